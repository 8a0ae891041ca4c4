// What a request needs of its tenant (routing group, active or not), cached in process and dropped
// when a tenant change is announced (ChangeFeed topic `tenants`).
import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@gateway/config';
import { TENANTS_TOPIC, TenantsService } from '@gateway/identity';
import { ChangeFeed } from '@gateway/redis';

export interface TenantFacts {
  readonly group: string;
  readonly active: boolean;
}

interface Entry {
  facts: TenantFacts | undefined;
  loadedAt: number;
}

/** A process serves few tenants compared with tokens; this bounds memory against odd growth. */
const MAX_ENTRIES = 100_000;

@Injectable()
export class TenantFactsService implements OnModuleInit, OnApplicationShutdown {
  private readonly entries = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<TenantFacts | undefined>>();
  /**
   * Bumped by every change: a read that began before one may have seen the old row (an active
   * tenant just disabled), so it must neither fill the cache nor be joined by later requests.
   */
  private generation = 0;
  private unsubscribe?: () => void;

  constructor(
    private readonly tenants: TenantsService,
    private readonly changes: ChangeFeed,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.changes.subscribe(TENANTS_TOPIC, (change) => {
      this.generation++;
      if (change === 'lost' || change.id === null) {
        this.entries.clear();
        this.loading.clear();
      } else {
        this.entries.delete(change.id);
        this.loading.delete(change.id);
      }
    });
  }

  onApplicationShutdown(): void {
    this.unsubscribe?.();
  }

  async get(tenantId: string): Promise<TenantFacts | undefined> {
    const entry = this.entries.get(tenantId);
    if (entry && this.changes.listening && Date.now() - entry.loadedAt < this.config.RELAY_TABLE_REFRESH_MS) {
      return entry.facts;
    }
    const inFlight = this.loading.get(tenantId);
    if (inFlight) return inFlight;
    const generation = this.generation;
    const loadedAt = Date.now();
    const pending: Promise<TenantFacts | undefined> = this.tenants
      .routingFacts(tenantId)
      .catch((error: unknown) => {
        // PostgreSQL does not answer: facts whose safety-net age ran out (no change to them was
        // announced, or they would be gone) keep serving (docs/design.md invariant 1).
        if (entry && generation === this.generation && this.changes.listening) return entry.facts;
        throw error;
      })
      .finally(() => {
        if (this.loading.get(tenantId) === pending) this.loading.delete(tenantId);
      });
    this.loading.set(tenantId, pending);
    pending.then(
      (facts) => {
        if (generation !== this.generation || !this.changes.listening) return;
        if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
        this.entries.set(tenantId, { facts, loadedAt });
      },
      () => undefined,
    );
    return pending;
  }
}
