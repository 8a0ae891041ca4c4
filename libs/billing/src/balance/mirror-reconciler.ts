// In the worker, on a schedule: moves the Redis mirror's usage debits (and each token's used quota)
// up to the ledger's where the mirror missed some (docs/design.md "Money", "The mirror reconciles").
// A mirror rebuilt from PostgreSQL (Redis restarted, a key evicted) does not hold the debits of
// requests settled before the rebuild but stored after it; nor does one whose settlement failed.
//
// Why it cannot correct falsely: the mirror's debits M minus the ledger's P is what is in flight
// (settled in this mirror, not stored yet; never negative, since every settled event is kept by
// the api until stored) minus what the mirror missed. P is read first, then M, so M includes every
// settlement of an event P holds; the correction is max(0, P − M), applied only if M has not moved
// since (compare-and-add). So it never exceeds what was missed: while events are in flight it may
// correct less, and the rest once they are stored. A mirror above the ledger is never lowered.
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { APP_CONFIG, AppConfig } from '@gateway/config';
import { REDIS } from '@gateway/redis';
import { usedByToken } from '@gateway/tokens';
import type Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { TenantBalance } from '../entities/tenant-balance.entity';
import { RECONCILE_MIRROR_COUNTER } from './mirror-reconcile-scripts';

/** Mirrors read per pipelined round trip. */
const CHUNK = 500;
/** Compare-and-add attempts per mirror before leaving it to the next run. */
const ATTEMPTS = 3;

type ReconcilerRedis = Redis & {
  billingReconcileCounter(
    key: string,
    field: string,
    seen: string,
    add: string,
    other: string,
  ): Promise<number>;
};

export interface MirrorCorrection {
  kind: 'tenant' | 'token';
  id: string;
  /** What was added to the mirror's debits (and taken from its balance) or to the token's used, nano-USD. */
  addedNano: string;
}

export interface MirrorReconcileReport {
  /** Mirrors loaded in Redis and compared. */
  tenants: number;
  tokens: number;
  corrections: MirrorCorrection[];
  /** Debits the mirrors hold above the ledger: settled, not stored yet. nano-USD. */
  inFlightNano: string;
}

interface Counter {
  kind: MirrorCorrection['kind'];
  id: string;
  key: string;
  field: 'debits' | 'used';
  other: 'balance' | '';
  ledger: bigint;
}

@Injectable()
export class MirrorReconciler {
  private readonly logger = new Logger('MirrorReconciler');
  private readonly redis: ReconcilerRedis;
  private readonly prefix: string;

  constructor(
    @Inject(REDIS) redis: Redis,
    @Inject(APP_CONFIG) config: Pick<AppConfig, 'REDIS_PREFIX'>,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {
    redis.defineCommand('billingReconcileCounter', { numberOfKeys: 1, lua: RECONCILE_MIRROR_COUNTER });
    this.redis = redis as ReconcilerRedis;
    this.prefix = config.REDIS_PREFIX;
  }

  async run(): Promise<MirrorReconcileReport> {
    // PostgreSQL first, the mirrors after (see the top of this file).
    const ledger = await this.dataSource.transaction('REPEATABLE READ', async (tx) => ({
      debits: new Map(
        (await tx.getRepository(TenantBalance).find({ select: { tenantId: true, debitsNano: true } })).map(
          (row) => [row.tenantId, row.debitsNano],
        ),
      ),
      used: await usedByToken(tx),
    }));
    return this.reconcile(ledger);
  }

  /**
   * Compares the mirrors with the ledger's sums read just before: each tenant's usage debits and each
   * token's used quota, nano-USD. Public for tests; run() is the job.
   */
  async reconcile(ledger: {
    debits: ReadonlyMap<string, bigint>;
    used: ReadonlyMap<string, bigint>;
  }): Promise<MirrorReconcileReport> {
    const counters: Counter[] = [
      ...[...ledger.debits].map(([tenantId, nano]): Counter => ({
        kind: 'tenant',
        id: tenantId,
        key: `${this.prefix}:bal:${tenantId}`,
        field: 'debits',
        other: 'balance',
        ledger: nano,
      })),
      ...[...ledger.used].map(([tokenId, nano]): Counter => ({
        kind: 'token',
        id: tokenId,
        key: `${this.prefix}:tq:${tokenId}`,
        field: 'used',
        other: '',
        ledger: nano,
      })),
    ];
    const report = { tenants: 0, tokens: 0, corrections: [] as MirrorCorrection[], inFlight: 0n };
    for (let i = 0; i < counters.length; i += CHUNK) {
      await this.reconcileChunk(counters.slice(i, i + CHUNK), report);
    }
    const result: MirrorReconcileReport = {
      tenants: report.tenants,
      tokens: report.tokens,
      corrections: report.corrections,
      inFlightNano: report.inFlight.toString(),
    };
    if (result.corrections.length > 0) {
      this.logger.warn(
        { corrections: result.corrections.slice(0, 50) },
        `moved ${result.corrections.length} mirror counters up to the ledger (debits the mirror missed)`,
      );
    }
    return result;
  }

  private async reconcileChunk(
    chunk: Counter[],
    report: { tenants: number; tokens: number; corrections: MirrorCorrection[]; inFlight: bigint },
  ): Promise<void> {
    let pending = chunk;
    for (let attempt = 0; attempt < ATTEMPTS && pending.length > 0; attempt++) {
      const pipeline = this.redis.pipeline();
      for (const counter of pending) pipeline.hget(counter.key, counter.field);
      const seen = ((await pipeline.exec()) ?? []).map(([error, value]) => {
        if (error) throw error;
        return value as string | null;
      });
      const retry: Counter[] = [];
      for (const [i, counter] of pending.entries()) {
        const mirror = seen[i];
        // Not loaded: the next hold loads it from PostgreSQL, which is then right by construction.
        if (mirror === null || mirror === undefined) continue;
        if (attempt === 0) report[counter.kind === 'tenant' ? 'tenants' : 'tokens']++;
        const missed = counter.ledger - BigInt(mirror);
        if (missed <= 0n) {
          if (attempt === 0 && counter.kind === 'tenant') report.inFlight -= missed;
          continue;
        }
        const moved = await this.redis.billingReconcileCounter(
          counter.key,
          counter.field,
          mirror,
          missed.toString(),
          counter.other,
        );
        if (moved === 1)
          report.corrections.push({ kind: counter.kind, id: counter.id, addedNano: missed.toString() });
        else if (moved === -1) retry.push(counter);
      }
      pending = retry;
    }
  }
}
