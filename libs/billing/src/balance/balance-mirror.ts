// The hot path's view of money: tenant balances and token quotas mirrored in Redis, where holds are
// placed and settled atomically across API processes. PostgreSQL (the ledger) stays the record; the
// mirror is loaded from it once per tenant/token and kept current by applying each committed
// credit-side line in order, while usage debits land here first (at settlement) and reach the
// ledger through the usage stream.
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { APP_CONFIG, AppConfig } from '@gateway/config';
import { absentKey, LuaScript, REDIS } from '@gateway/redis';
import { TokensService } from '@gateway/tokens';
import type Redis from 'ioredis';
import { Repository } from 'typeorm';
import { PlanPeriodUsage } from '../entities/plan-period-usage.entity';
import { TenantBalance } from '../entities/tenant-balance.entity';
import { tokenMirrorKey } from './token-mirror-key';
import type { CurrentPlan } from '../subscriptions/current-plan';
import {
  APPLY_CREDIT,
  INIT_BALANCE,
  INIT_PLAN_PERIOD,
  INIT_TOKEN,
  PLACE_HOLD,
  RESYNC_CREDITS,
  SETTLE,
} from './balance-scripts';

const initBalance = new LuaScript<number>(INIT_BALANCE, 1);
const initToken = new LuaScript<number>(INIT_TOKEN, 1);
const initPlanPeriod = new LuaScript<number>(INIT_PLAN_PERIOD, 1);
const applyCredit = new LuaScript<string>(APPLY_CREDIT, 1);
const resyncCredits = new LuaScript<number>(RESYNC_CREDITS, 1);
const placeHold = new LuaScript<[number, string]>(PLACE_HOLD, 5);
const settle = new LuaScript<[string, string?]>(SETTLE, 5);

export interface HoldRequest {
  requestId: string;
  tenantId: string;
  tokenId: string;
  /** The request's worst-case cost. */
  amountNano: bigint;
  /** Null: the token has no spend cap. */
  tokenQuotaNano: bigint | null;
  /** The token's quota epoch (Token.quotaEpoch): it names the mirror of its spend. */
  tokenQuotaEpoch: number;
  /** The tenant's plan: its limits are checked and its allowance pays first. Null: prepaid only. */
  plan: CurrentPlan | null;
  /** The request's input tokens and its output tokens at most, for the plan's token limits. */
  inputTokens: number;
  outputTokens: number;
}

/** A hold as placed: its member in `holds:due` (balance-scripts.ts), which its settlement names. */
export type PlacedHold = string;

/** What placing a hold came to: the verdict, and the hold when one was placed. */
export interface HoldOutcome {
  verdict: HoldVerdict;
  hold: PlacedHold | null;
}

/** What a request used, for settling it. */
export interface SettleRequest {
  tenantId: string;
  tokenId: string;
  /** The token's spend cap the request was held under (null: none, and no quota mirror to count in). */
  tokenQuotaNano: bigint | null;
  /** Its quota epoch then (Token.quotaEpoch). */
  tokenQuotaEpoch: number;
  requestId: string;
  /** The hold placed for the request, or null (none, or it is not known). */
  hold: PlacedHold | null;
  costNano: bigint;
  /** The plan the request was admitted under (its period counts it), or null. */
  plan: CurrentPlan | null;
  /** Whether the request counts toward the plan's request limit (it reached an upstream's answer). */
  counted: boolean;
  inputTokens: number;
  outputTokens: number;
}

/** A token as its quota mirror knows it. */
export interface TokenQuota {
  id: string;
  /** Null: no spend cap, and no mirror of its spend. */
  quotaNano: bigint | null;
  quotaEpoch: number;
}

/** What is short when a hold is refused: money (balance, token quota) or one of the plan's limits. */
export type HoldVerdict =
  'held' | 'balance' | 'quota' | 'plan_requests' | 'plan_input_tokens' | 'plan_output_tokens' | 'plan_spend';

const VERDICTS: Record<number, HoldVerdict> = {
  0: 'held',
  1: 'balance',
  2: 'quota',
  5: 'plan_requests',
  6: 'plan_input_tokens',
  7: 'plan_output_tokens',
  8: 'plan_spend',
};

/**
 * How long a request's once-marker is kept (balance-scripts.ts): a command that ioredis re-sends after
 * a reconnect arrives within seconds (it gives a command up after a few reconnect attempts), so
 * this is ample, and short enough that the markers of a busy gateway stay a few MB.
 */
const ONCE_MARKER_TTL_MS = 5 * 60_000;

/** How long a plan period's counters outlive the period (late settlements still find them). */
const PLAN_PERIOD_GRACE_MS = 7 * 24 * 3_600_000;

export interface MirrorSnapshot {
  /** credits − debits. */
  balance: bigint;
  credits: bigint;
  debits: bigint;
  /** The part of holds in flight the balance answers for: balance − avail. */
  held: bigint;
  creditSeq: bigint;
}

/** A hold script's answer as a verdict; a mirror it could not load is an error. */
export function verdictOf(code: number): HoldVerdict {
  const verdict = VERDICTS[code];
  if (verdict) return verdict;
  throw new Error('the balance mirror could not be loaded');
}

/** Lua numbers are doubles: beyond 2^53 an amount is no longer exact, so refuse it outright. */
/** The largest amount the mirror holds exactly (Lua numbers are doubles): more is never a hold. */
export const MAX_EXACT = 2n ** 53n - 1n;

@Injectable()
export class BalanceMirror {
  private readonly logger = new Logger('BalanceMirror');
  private readonly prefix: string;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectRepository(TenantBalance) private readonly balances: Repository<TenantBalance>,
    @InjectRepository(PlanPeriodUsage) private readonly periods: Repository<PlanPeriodUsage>,
    private readonly tokens: TokensService,
  ) {
    this.prefix = config.REDIS_PREFIX;
  }

  /**
   * Places a hold for a request's worst case, or says what is short. On a plan, the plan's limits
   * are checked and its allowance pays first. Loads a missing mirror first. Once per request: asked
   * again, it answers with the hold already placed.
   */
  async hold(request: HoldRequest): Promise<HoldOutcome> {
    const { keys, args } = this.holdArguments(request);
    const once = [...keys, this.onceKey(request.requestId), ...args, String(this.onceTtlMs())];
    let [code, hold] = await placeHold.run(this.redis, ...once);
    // A missing mirror, then a missing plan period: at most two loads.
    for (let loads = 0; loads < 2 && (await this.loadFor(request, code)); loads++) {
      [code, hold] = await placeHold.run(this.redis, ...once);
    }
    const verdict = verdictOf(code);
    return { verdict, hold: verdict === 'held' ? hold : null };
  }

  /**
   * A request's once-marker (HOLD and SETTLE in balance-scripts.ts): a script re-sent after a
   * reconnect finds it and does not hold, count or settle the request again.
   */
  onceKey(requestId: string): string {
    return `${this.prefix}:once:${requestId}`;
  }

  /** How long a request's once-marker lives. */
  onceTtlMs(): number {
    return ONCE_MARKER_TTL_MS;
  }

  /**
   * A hold as the KEYS and ARGV of HOLD_FUNCTIONS' holdCheck and holdApply, for a script that places
   * it along with other admission checks (the relay's, one round trip before the upstream call).
   */
  holdArguments(request: HoldRequest): { keys: string[]; args: string[] } {
    const amount = clampExact(request.amountNano);
    const quota = request.tokenQuotaNano === null ? '-1' : clampExact(request.tokenQuotaNano).toString();
    const plan = request.plan;
    const limit = (value: bigint | null) => (value === null ? '-1' : clampExact(value).toString());
    return {
      keys: this.requestKeys(request, plan),
      args: [
        request.requestId,
        amount.toString(),
        '1',
        quota,
        String(Date.now() + this.config.BILLING_HOLD_TTL_MS),
        request.tenantId,
        // The hold's member names the token's quota mirror (the reaper releases its held part there).
        request.tokenQuotaNano === null ? request.tokenId : `${request.tokenId}:${request.tokenQuotaEpoch}`,
        plan === null ? '0' : '1',
        limit(plan?.plan.limitRequests ?? null),
        limit(plan?.plan.limitInputTokens ?? null),
        limit(plan?.plan.limitOutputTokens ?? null),
        limit(plan?.plan.limitSpendNano ?? null),
        plan === null ? '0' : clampExact(plan.plan.includedNano).toString(),
        String(Math.max(0, Math.floor(request.inputTokens))),
        String(Math.max(0, Math.floor(request.outputTokens))),
      ],
    };
  }

  /**
   * After holdCheck answered `code`: when a mirror (3) or the plan period (4) was missing, loads it
   * from PostgreSQL and returns true (check again); false for any other answer. Callers bound their
   * retries: what is still missing after that is an error (verdictOf).
   */
  async loadFor(request: HoldRequest, code: number): Promise<boolean> {
    if (code === 3) {
      await this.load(request.tenantId, {
        id: request.tokenId,
        quotaNano: request.tokenQuotaNano,
        quotaEpoch: request.tokenQuotaEpoch,
      });
      return true;
    }
    if (code === 4 && request.plan !== null) {
      await this.loadPlanPeriod(request.tenantId, request.plan);
      return true;
    }
    return false;
  }

  /**
   * Releases the request's hold (if any is left) and books its real cost: on a plan, what the
   * allowance left covers, the rest from the balance. Returns the part the allowance covered, or
   * null when nothing was booked: the request was settled already, or its hold and marker are gone
   * (see settleOnce in balance-scripts.ts).
   */
  async settle(request: SettleRequest): Promise<bigint | null> {
    const { keys, args } = this.settleArguments(request);
    const [first, covered] = await settle.run(
      this.redis,
      ...keys,
      this.onceKey(request.requestId),
      ...args,
      String(ONCE_MARKER_TTL_MS),
    );
    return covered === undefined || first === '-' || first === '?' ? null : BigInt(covered);
  }

  /** A settlement as the KEYS and ARGV of SETTLE_FUNCTIONS' settleHold, for a script that settles more. */
  settleArguments(request: SettleRequest): { keys: string[]; args: string[] } {
    const { plan } = request;
    return {
      keys: this.requestKeys(request, plan),
      args: [
        request.hold ?? '',
        clampExact(request.costNano < 0n ? 0n : request.costNano).toString(),
        plan === null ? '0' : '1',
        plan === null ? '0' : clampExact(plan.plan.includedNano).toString(),
        request.counted ? '1' : '0',
        String(Math.max(0, Math.floor(request.inputTokens))),
        String(Math.max(0, Math.floor(request.outputTokens))),
      ],
    };
  }

  /** The four KEYS of a hold and its settlement: funds, tq (absent without a quota), holds:due, pp. */
  private requestKeys(
    request: { tenantId: string; tokenId: string; tokenQuotaNano: bigint | null; tokenQuotaEpoch: number },
    plan: CurrentPlan | null,
  ): string[] {
    return [
      this.balanceKey(request.tenantId),
      this.tokenKey({
        id: request.tokenId,
        quotaNano: request.tokenQuotaNano,
        quotaEpoch: request.tokenQuotaEpoch,
      }),
      this.expiryKey(),
      this.planPeriodKey(request.tenantId, plan),
    ];
  }

  /** The live counters of a tenant's plan period (settled and held), or null when not loaded. */
  async planPeriod(
    tenantId: string,
    plan: CurrentPlan,
  ): Promise<Record<'req' | 'in' | 'out' | 'spend' | 'cov' | 'hReq' | 'hSpend' | 'hCov', bigint> | null> {
    const fields = ['req', 'in', 'out', 'spend', 'cov', 'hReq', 'hSpend', 'hCov'] as const;
    const values = await this.redis.hmget(this.planPeriodKey(tenantId, plan), ...fields);
    if (values[0] === null) return null;
    return Object.fromEntries(fields.map((field, i) => [field, BigInt(values[i] ?? '0')])) as Record<
      (typeof fields)[number],
      bigint
    >;
  }

  /** After a credit-side ledger line committed. Never throws: a miss is repaired from PostgreSQL. */
  async applyCredit(tenantId: string, creditSeq: bigint, amountNano: bigint): Promise<void> {
    try {
      const key = this.balanceKey(tenantId);
      const result = await applyCredit.run(this.redis, key, creditSeq.toString(), amountNano.toString());
      if (result === 'gap') await this.resyncCredits(tenantId);
    } catch (error) {
      this.logger.error(`could not mirror a credit of tenant ${tenantId}: ${(error as Error).message}`);
    }
  }

  /**
   * A token's spend and its tenant's live balance (settled requests included even before the worker
   * stored them), loading the mirrors first when needed. For `GET /v1/usage`. A token with a quota
   * has a live mirror of its spend; one without has none (nothing is checked against it, so the hot
   * path does not count it): its spend is PostgreSQL's, which the worker brings up to date as it
   * stores each batch of usage records.
   */
  async live(
    tenantId: string,
    token: TokenQuota,
  ): Promise<{ balanceNano: bigint; heldNano: bigint; tokenUsedNano: bigint }> {
    const spent = () =>
      token.quotaNano === null ? this.tokens.usedNano(token.id).then(String) : this.tokenUsed(token);
    let [tenant, used] = await Promise.all([this.snapshot(tenantId), spent()]);
    if (tenant === null || used === null) {
      await this.load(tenantId, token);
      [tenant, used] = await Promise.all([this.snapshot(tenantId), spent()]);
    }
    return {
      balanceNano: tenant?.balance ?? 0n,
      heldNano: tenant?.held ?? 0n,
      tokenUsedNano: BigInt(used ?? '0'),
    };
  }

  /** A token's used quota in its mirror, or null when the mirror is not loaded. */
  private async tokenUsed(token: TokenQuota): Promise<string | null> {
    const [used, held] = await this.redis.hmget(this.tokenKey(token), 'used', 'held');
    return used === null || held === null ? null : used;
  }

  /**
   * The mirror of a tenant, or null when it is not loaded. Its balance and held are derived from the
   * stored counters (balance-scripts.ts), exactly: these are BigInts, never Lua doubles.
   */
  async snapshot(tenantId: string): Promise<MirrorSnapshot | null> {
    const [credits, debits, avail, seq] = await this.redis.hmget(
      this.balanceKey(tenantId),
      'credits',
      'debits',
      'avail',
      'creditSeq',
    );
    if (credits === null) return null;
    const balance = BigInt(credits) - BigInt(debits ?? '0');
    return {
      credits: BigInt(credits),
      debits: BigInt(debits ?? '0'),
      held: balance - BigInt(avail ?? '0'),
      creditSeq: BigInt(seq ?? '0'),
      balance,
    };
  }

  private async load(tenantId: string, token: TokenQuota): Promise<void> {
    const row = await this.balances.findOne({ where: { tenantId } });
    const credits = row?.creditsNano ?? 0n;
    const debits = row?.debitsNano ?? 0n;
    await initBalance.run(
      this.redis,
      this.balanceKey(tenantId),
      credits.toString(),
      (row?.creditSeq ?? 0n).toString(),
      debits.toString(),
      (credits - debits).toString(),
    );
    // A credit committed between our read and the init was skipped as 'absent': read again.
    await this.resyncCredits(tenantId);
    if (token.quotaNano === null) return;
    const used = await this.tokens.usedNano(token.id);
    await initToken.run(this.redis, this.tokenKey(token), used.toString());
  }

  private async loadPlanPeriod(tenantId: string, plan: CurrentPlan): Promise<void> {
    const row = await this.periods.findOne({ where: { tenantId, periodStart: plan.periodStart } });
    await initPlanPeriod.run(
      this.redis,
      this.planPeriodKey(tenantId, plan),
      (row?.requests ?? 0n).toString(),
      (row?.inputTokens ?? 0n).toString(),
      (row?.outputTokens ?? 0n).toString(),
      (row?.spendNano ?? 0n).toString(),
      (row?.coveredNano ?? 0n).toString(),
      String(plan.periodEnd.getTime() + PLAN_PERIOD_GRACE_MS),
    );
  }

  private async resyncCredits(tenantId: string): Promise<void> {
    const key = this.balanceKey(tenantId);
    for (let attempt = 0; attempt < 5; attempt++) {
      const row = await this.balances.findOne({ where: { tenantId } });
      if (!row) return;
      const seen = await this.redis.hget(key, 'credits');
      if (seen === null) return;
      const moved = await resyncCredits.run(
        this.redis,
        key,
        seen,
        (row.creditsNano - BigInt(seen)).toString(),
        row.creditSeq.toString(),
      );
      if (moved !== -1) return;
    }
    this.logger.error(`could not resync the credits of tenant ${tenantId}: they kept changing`);
  }

  /** The tenant's mirror (balance-scripts.ts; `bal:` was the layout before). */
  private balanceKey(tenantId: string): string {
    return `${this.prefix}:funds:${tenantId}`;
  }

  /** A token's quota mirror: none without a quota (an absent key), one per quota it is given. */
  private tokenKey(token: TokenQuota): string {
    return token.quotaNano === null
      ? absentKey(this.prefix)
      : tokenMirrorKey(this.prefix, token.id, token.quotaEpoch);
  }

  /** A plan period's counters; a tenant without a plan gets a key that is never written. */
  private planPeriodKey(tenantId: string, plan: CurrentPlan | null): string {
    return `${this.prefix}:pp:${tenantId}:${plan === null ? 'none' : plan.periodStart.getTime()}`;
  }

  /** Holds in flight by expiry, for the reaper (`holds:exp` was the layout before `funds`). */
  private expiryKey(): string {
    return `${this.prefix}:holds:due`;
  }
}

function clampExact(nano: bigint): bigint {
  if (nano > MAX_EXACT) throw new RangeError('amount too large for the balance mirror');
  return nano;
}
