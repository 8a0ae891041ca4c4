// The hot path's view of tenants' plans: SubscriptionsService.currentPlanFor, cached in process and
// dropped when a subscription or a plan changes (ChangeFeed topic `plans`) or its period ends, so
// enforcing a plan costs no PostgreSQL round trip per request (docs/design.md invariant 1).
import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@gateway/config';
import { ChangeFeed } from '@gateway/redis';
import { PLANS_TOPIC } from '../plans/plans-topic';
import type { CurrentPlan } from './current-plan';
import { SubscriptionsService } from './subscriptions.service';

interface Entry {
  plan: CurrentPlan | null;
  loadedAt: number;
}

const MAX_ENTRIES = 100_000;

@Injectable()
export class CurrentPlans implements OnModuleInit, OnApplicationShutdown {
  private readonly entries = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<CurrentPlan | null>>();
  private unsubscribe?: () => void;

  constructor(
    private readonly subscriptions: SubscriptionsService,
    private readonly changes: ChangeFeed,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.changes.subscribe(PLANS_TOPIC, (change) => {
      if (change === 'lost' || change.id === null) this.entries.clear();
      else this.entries.delete(change.id);
    });
  }

  onApplicationShutdown(): void {
    this.unsubscribe?.();
  }

  /** The tenant's plan and the period in force at `now`, or null when it is prepaid only. */
  async get(tenantId: string, now = Date.now()): Promise<CurrentPlan | null> {
    const entry = this.entries.get(tenantId);
    if (
      entry &&
      this.changes.listening &&
      now - entry.loadedAt < this.config.RELAY_TABLE_REFRESH_MS &&
      (entry.plan === null || now < entry.plan.periodEnd.getTime())
    ) {
      return entry.plan;
    }
    let pending = this.loading.get(tenantId);
    if (!pending) {
      const loadedAt = Date.now();
      pending = this.subscriptions
        .currentPlanFor(tenantId, new Date(now))
        .catch((error: unknown) => {
          // PostgreSQL does not answer: a plan whose safety-net age ran out keeps serving while its
          // period lasts (an announced change would have dropped it). docs/design.md invariant 1.
          const current = entry && (entry.plan === null || now < entry.plan.periodEnd.getTime());
          if (current && this.changes.listening) return entry.plan;
          throw error;
        })
        .finally(() => this.loading.delete(tenantId));
      this.loading.set(tenantId, pending);
      pending.then(
        (plan) => {
          if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
          this.entries.set(tenantId, { plan, loadedAt });
        },
        () => undefined,
      );
    }
    return pending;
  }
}
