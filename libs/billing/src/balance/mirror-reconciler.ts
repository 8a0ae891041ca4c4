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
// A plan period's counters (`pp:`: requests, tokens in and out, spend, covered) move with the same
// settlements and the same stored batches (plan_period_usage), so the same holds for each of them.
// Credits go the other way: applied to the mirror after they commit, so PostgreSQL's creditSeq
// ahead of the mirror's is a credit the mirror missed, resynced as a top-up's gap is.
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { APP_CONFIG, AppConfig } from '@gateway/config';
import { LuaScript, REDIS } from '@gateway/redis';
import { spendOfQuotaTokens } from '@gateway/tokens/domain';
import type Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { PlanPeriodUsage } from '../entities/plan-period-usage.entity';
import { TenantBalance } from '../entities/tenant-balance.entity';
import { tokenMirrorKey } from './token-mirror-key';
import { RESYNC_CREDITS } from './balance-scripts';
import { RECONCILE_MIRROR_COUNTER } from './mirror-reconcile-scripts';

/** Mirrors read per pipelined round trip. */
const CHUNK = 500;
/** Compare-and-add attempts per mirror before leaving it to the next run. */
const ATTEMPTS = 3;
/**
 * Plan periods whose stored usage moved this recently are compared. A mirror falls behind only by
 * usage stored after it was loaded (which moves the row's updated_at), and the job runs every
 * minute: a day leaves ample room for runs that failed.
 */
const PLAN_PERIOD_LOOKBACK = '1 day';

const reconcileCounter = new LuaScript<number>(RECONCILE_MIRROR_COUNTER, 1);
const reconcileCredits = new LuaScript<number>(RESYNC_CREDITS, 1);

/** A plan period's counters in its mirror (`pp:`), as plan_period_usage stores them. */
export type PlanPeriodField = 'req' | 'in' | 'out' | 'spend' | 'cov';

export interface MirrorCorrection {
  kind: 'tenant' | 'token' | 'plan' | 'credits';
  /** The tenant, the token, or for a plan period `<tenant>:<period start, ms epoch>`. */
  id: string;
  /** The counter moved: `debits`, `used`, a plan period's field, or `credits`. */
  field: string;
  /**
   * What was added: to the mirror's debits (and taken from what it has available), the token's
   * used, the plan period's counter (nano-USD, or a count of requests or tokens), or to its credits
   * (and to what it has available).
   */
  added: string;
}

/** A plan period as PostgreSQL stored it (plan_period_usage). */
export interface LedgerPlanPeriod {
  tenantId: string;
  periodStart: Date;
  counters: Record<PlanPeriodField, bigint>;
}

/** A tenant's credit side as PostgreSQL stored it. */
export interface LedgerCredits {
  creditsNano: bigint;
  creditSeq: bigint;
}

export interface MirrorReconcileReport {
  /** Mirrors loaded in Redis and compared. */
  tenants: number;
  tokens: number;
  planPeriods: number;
  corrections: MirrorCorrection[];
  /** Debits the mirrors hold above the ledger: settled, not stored yet. nano-USD. */
  inFlightNano: string;
}

interface Counter {
  kind: 'tenant' | 'token' | 'plan';
  id: string;
  key: string;
  field: 'debits' | 'used' | PlanPeriodField;
  other: 'avail' | '';
  /** A field every loaded mirror of this kind has. */
  loaded: 'credits' | 'held' | 'hReq';
  ledger: bigint;
}

const PLAN_PERIOD_FIELDS: readonly PlanPeriodField[] = ['req', 'in', 'out', 'spend', 'cov'];

@Injectable()
export class MirrorReconciler {
  private readonly logger = new Logger('MirrorReconciler');
  private readonly prefix: string;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) config: Pick<AppConfig, 'REDIS_PREFIX'>,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {
    this.prefix = config.REDIS_PREFIX;
  }

  async run(): Promise<MirrorReconcileReport> {
    // PostgreSQL first, the mirrors after (see the top of this file).
    const ledger = await this.dataSource.transaction('REPEATABLE READ', async (tx) => {
      const balances = await tx.getRepository(TenantBalance).find({
        select: { tenantId: true, debitsNano: true, creditsNano: true, creditSeq: true },
      });
      const periods = await tx
        .getRepository(PlanPeriodUsage)
        .createQueryBuilder('p')
        .where(`p.updated_at > now() - interval '${PLAN_PERIOD_LOOKBACK}'`)
        .getMany();
      const tokens = await spendOfQuotaTokens(tx);
      return {
        debits: new Map(balances.map((row) => [row.tenantId, row.debitsNano])),
        credits: new Map(
          balances.map((row) => [row.tenantId, { creditsNano: row.creditsNano, creditSeq: row.creditSeq }]),
        ),
        used: tokens.used,
        quotas: tokens.epochs,
        periods: periods.map((row): LedgerPlanPeriod => ({
          tenantId: row.tenantId,
          periodStart: row.periodStart,
          counters: {
            req: row.requests,
            in: row.inputTokens,
            out: row.outputTokens,
            spend: row.spendNano,
            cov: row.coveredNano,
          },
        })),
      };
    });
    return this.reconcile(ledger);
  }

  /**
   * Compares the mirrors with the ledger's sums read just before: each tenant's usage debits and each
   * token's used quota, nano-USD. Public for tests; run() is the job.
   */
  async reconcile(ledger: {
    debits: ReadonlyMap<string, bigint>;
    used: ReadonlyMap<string, bigint>;
    /** The quota epoch of each token with a quota: only those have a mirror of their spend, named by it. */
    quotas?: ReadonlyMap<string, number>;
    periods?: readonly LedgerPlanPeriod[];
    credits?: ReadonlyMap<string, LedgerCredits>;
  }): Promise<MirrorReconcileReport> {
    const counters: Counter[] = [
      ...[...ledger.debits].map(([tenantId, nano]): Counter => ({
        kind: 'tenant',
        id: tenantId,
        key: `${this.prefix}:funds:${tenantId}`,
        field: 'debits',
        other: 'avail',
        loaded: 'credits',
        ledger: nano,
      })),
      ...[...ledger.used].flatMap(([tokenId, nano]): Counter[] => {
        const quota = ledger.quotas?.get(tokenId);
        if (quota === undefined) return [];
        return [
          {
            kind: 'token',
            id: tokenId,
            key: tokenMirrorKey(this.prefix, tokenId, quota),
            field: 'used',
            other: '',
            loaded: 'held',
            ledger: nano,
          },
        ];
      }),
      ...(ledger.periods ?? []).flatMap((period) =>
        PLAN_PERIOD_FIELDS.map((field): Counter => ({
          kind: 'plan',
          id: `${period.tenantId}:${period.periodStart.getTime()}`,
          // BalanceMirror.planPeriodKey
          key: `${this.prefix}:pp:${period.tenantId}:${period.periodStart.getTime()}`,
          field,
          other: '',
          loaded: 'hReq',
          ledger: period.counters[field],
        })),
      ),
    ];
    const report: Tally = { tenants: 0, tokens: 0, planPeriods: 0, corrections: [], inFlight: 0n };
    const credits = [...(ledger.credits ?? [])];
    for (let i = 0; i < credits.length; i += CHUNK) {
      await this.resyncCredits(credits.slice(i, i + CHUNK), report);
    }
    for (let i = 0; i < counters.length; i += CHUNK) {
      await this.reconcileChunk(counters.slice(i, i + CHUNK), report);
    }
    const result: MirrorReconcileReport = {
      tenants: report.tenants,
      tokens: report.tokens,
      planPeriods: report.planPeriods,
      corrections: report.corrections,
      inFlightNano: report.inFlight.toString(),
    };
    if (result.corrections.length > 0) {
      this.logger.warn(
        { corrections: result.corrections.slice(0, 50) },
        `moved ${result.corrections.length} mirror counters up to the ledger (what the mirror missed)`,
      );
    }
    return result;
  }

  /**
   * Credits committed in PostgreSQL that the mirror has not applied (its creditSeq is behind): the
   * mirror's credits move up to PostgreSQL's, unless they changed since read (then read again).
   */
  private async resyncCredits(chunk: [string, LedgerCredits][], report: Tally): Promise<void> {
    let pending = chunk;
    for (let attempt = 0; attempt < ATTEMPTS && pending.length > 0; attempt++) {
      const pipeline = this.redis.pipeline();
      for (const [tenantId] of pending)
        pipeline.hmget(`${this.prefix}:funds:${tenantId}`, 'credits', 'creditSeq');
      const seen = ((await pipeline.exec()) ?? []).map(([error, value]) => {
        if (error) throw error;
        return value as [string | null, string | null];
      });
      const retry: [string, LedgerCredits][] = [];
      for (const [i, entry] of pending.entries()) {
        const [tenantId, stored] = entry;
        const [credits, seq] = seen[i] ?? [null, null];
        // Not loaded: the next hold loads it from PostgreSQL.
        if (credits === null || BigInt(seq ?? '0') >= stored.creditSeq) continue;
        const add = stored.creditsNano - BigInt(credits);
        const moved = await reconcileCredits.run(
          this.redis,
          `${this.prefix}:funds:${tenantId}`,
          credits,
          add.toString(),
          stored.creditSeq.toString(),
        );
        if (moved === 1)
          report.corrections.push({ kind: 'credits', id: tenantId, field: 'credits', added: add.toString() });
        else if (moved === -1) retry.push(entry);
      }
      pending = retry;
    }
  }

  private async reconcileChunk(chunk: Counter[], report: Tally): Promise<void> {
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
        if (attempt === 0 && counter.kind !== 'plan')
          report[counter.kind === 'tenant' ? 'tenants' : 'tokens']++;
        if (attempt === 0 && counter.kind === 'plan' && counter.field === 'req') report.planPeriods++;
        const missed = counter.ledger - BigInt(mirror);
        if (missed <= 0n) {
          if (attempt === 0 && counter.kind === 'tenant') report.inFlight -= missed;
          continue;
        }
        const moved = await reconcileCounter.run(
          this.redis,
          counter.key,
          counter.field,
          mirror,
          missed.toString(),
          counter.other,
          counter.loaded,
        );
        if (moved === 1)
          report.corrections.push({
            kind: counter.kind,
            id: counter.id,
            field: counter.field,
            added: missed.toString(),
          });
        else if (moved === -1) retry.push(counter);
      }
      pending = retry;
    }
  }
}

interface Tally {
  tenants: number;
  tokens: number;
  planPeriods: number;
  corrections: MirrorCorrection[];
  inFlight: bigint;
}
