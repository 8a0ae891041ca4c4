// Limits and key state shared by every API process, in Redis (docs/design.md invariants 4 and 5).
// Times come from this process's clock; API processes are assumed NTP-synchronised.
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@gateway/config';
import { keyStatsRedisKey } from '@gateway/channels';
import { absentKey, LuaScript, REDIS } from '@gateway/redis';
import type Redis from 'ioredis';
import type { KeyCandidate } from '../routing/routing-snapshot';
import { KeyStatsTally } from './key-stats-tally';
import { ACQUIRE_FIRST, ADMIT_TOKEN, COOL_KEY, REFUND_TOKEN, REFUSE_KEY, SETTLE_KEY } from './limit-scripts';
import { dayOf, UTC_ZONE } from './zone-day';

const MINUTE_MS = 60_000;
/**
 * Windows outlive their period a little, so a late settle still finds them: a minute's by a minute,
 * a day's (23 to 25 hours in a zone with DST; the scripts count from its end) by two minutes.
 */
const MINUTE_TTL_MS = 2 * MINUTE_MS;
const DAY_GRACE_MS = 2 * MINUTE_MS;
/**
 * How long the once-marker of a failover call lives: ioredis re-sends an unanswered command within
 * seconds of a reconnect, and a request's calls end within its deadline.
 */
const ONCE_TTL_MS = 5 * MINUTE_MS;

const admitToken = new LuaScript<number>(ADMIT_TOKEN, 1);
// The number of keys varies per call: it comes as the first argument.
const acquireFirst = new LuaScript<number[]>(ACQUIRE_FIRST);
const coolKey = new LuaScript<[number, number]>(COOL_KEY);
const refuseKey = new LuaScript<[number]>(REFUSE_KEY, 2);
const settleKey = new LuaScript<[number]>(SETTLE_KEY, 7);
const refundToken = new LuaScript<[number]>(REFUND_TOKEN, 2);

/**
 * Which call of which request this is, for the calls the relay makes after its admission script
 * (docs/design.md, "The hot path"): keyed by it, a call that ioredis re-sends after a reconnect
 * changes nothing the second time and answers as the first did. `step` names the call within the
 * request (`acquire:2`, `settle:1`, `cool:1`, ...).
 */
export interface OnceKey {
  readonly requestId: string;
  readonly step: string;
}

export type TokenAdmission = { ok: true } | { ok: false; limit: 'rpm' | 'tpm'; retryAfterMs: number };

/** What taking the first usable key of a list came to. */
export interface FirstAcquisition {
  /** Index in the list of the key taken, or -1 when none could be. */
  index: number;
  /**
   * When the first key passed over recovers (ms epoch): a cooldown's end, or for a capped key the
   * end of the windows it is over (the minute's, the local day's of its zone); null when none was
   * passed over.
   */
  soonestRecovery: number | null;
  /** Keys passed over because they were cooling down, or at one of their caps. */
  cooling: number;
  capped: number;
  /** Keys passed over because the upstream just refused them (401/403). */
  refused: number;
  /** The key taken has a strike or failure streak that a success must clear. */
  streaks: boolean;
}

/**
 * How many keys of a pool one acquisition (and the admission) sends to Redis at first; a window none
 * of whose keys can be taken is followed by one twice as large. Sending every key's windows and caps
 * each time cost about 9 µs of the api's CPU and 2.5 µs of Redis's a key: with 100 keys in a channel
 * a request took 2.7 times the api's CPU of one with 4 (issue #16).
 */
export const POOL_WINDOW = 16;

/** What the keys an acquisition passed over say: how many were cooling, capped, refused, and when the first recovers. */
export type PassedOver = Pick<FirstAcquisition, 'soonestRecovery' | 'cooling' | 'capped' | 'refused'>;

export const NOTHING_PASSED_OVER: PassedOver = { soonestRecovery: null, cooling: 0, capped: 0, refused: 0 };

/** Both windows' keys passed over together. */
export function addPassedOver(sum: PassedOver, more: PassedOver): PassedOver {
  const soonest =
    sum.soonestRecovery === null || more.soonestRecovery === null
      ? (sum.soonestRecovery ?? more.soonestRecovery)
      : Math.min(sum.soonestRecovery, more.soonestRecovery);
  return {
    soonestRecovery: soonest,
    cooling: sum.cooling + more.cooling,
    capped: sum.capped + more.capped,
    refused: sum.refused + more.refused,
  };
}

/** One candidate for acquireFirst: a key and the upstream model it would be asked for. */
export interface KeyModel {
  readonly key: KeyCandidate;
  readonly upstreamModel: string;
}

/** What a cooldown came to. */
export interface Cooled {
  /** ms epoch. */
  until: number;
  /** This call started it (the scope was not cooling already). */
  started: boolean;
}

/** A key's limits: which of its windows are kept. */
export type KeyLimits = Pick<KeyCandidate, 'rpm' | 'tpm' | 'rpd' | 'tpd'>;

/** A key's limits and the zone whose local days its daily ones count in. */
export type ZonedKeyLimits = KeyLimits & Pick<KeyCandidate, 'dayZone'>;

/** A token's limits: whether its minute window is kept. */
export interface TokenLimits {
  readonly id: string;
  readonly rpm: number | null;
  readonly tpm: number | null;
}

/** KEYS and ARGV of one of the scripts' Lua functions, for a script that runs several. */
export interface ScriptArguments {
  keys: string[];
  args: (string | number)[];
}

/** One attempt that reached (or tried to reach) the upstream, to settle on its key. */
export interface AttemptSettlement {
  readonly keyId: string;
  /**
   * The key's limits and day zone when it was taken (which windows it was counted in); absent: look
   * at all (the UTC day's).
   */
  readonly limits?: ZonedKeyLimits & Partial<Pick<KeyCandidate, 'modelLimits'>>;
  /** The upstream model the attempt asked for (its per-model windows and streaks). */
  readonly upstreamModel: string;
  /** When the attempt took its key's slot (the `now` given to acquireFirst): the windows it counted in. */
  readonly countedAt: number;
  /** The request's token window, given with the request's final attempt only (once per request). */
  readonly tokenWindow: string | null;
  /** `ok`: the key answered; `fail`: 5xx, timeout, refused connection; `none`: says nothing of the key. */
  readonly outcome: 'ok' | 'fail' | 'none';
  readonly estimatedTokens: number;
  readonly actualTokens: number;
  readonly now: number;
  /** The key had a streak to clear when it was taken (FirstAcquisition.streaks); absent: it may have. */
  readonly streaks?: boolean;
}

/** A (key, model) pair without limits of its own: no per-model windows. */
const NO_LIMITS: KeyLimits = { rpm: null, tpm: null, rpd: null, tpd: null };

/** The limits of one model on a key (its per-model windows are kept only for those it has). */
function modelLimitsOf(key: Pick<KeyCandidate, 'modelLimits'>, model: string): KeyLimits {
  const own = key.modelLimits[model];
  return own
    ? { rpm: own.rpm ?? null, tpm: own.tpm ?? null, rpd: own.rpd ?? null, tpd: own.tpd ?? null }
    : NO_LIMITS;
}

function limit(value: number | null | undefined): number {
  return value === null || value === undefined ? -1 : value;
}

@Injectable()
export class RelayLimiter {
  private readonly prefix: string;
  /** An absent key in a script's KEYS (libs/redis absent-key.ts). */
  readonly absent: string;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly stats: KeyStatsTally,
  ) {
    this.prefix = config.REDIS_PREFIX;
    this.absent = absentKey(config.REDIS_PREFIX);
  }

  tokenWindow(tokenId: string, now: number): string {
    return `${this.prefix}:rl:t:${tokenId}:m:${Math.floor(now / MINUTE_MS)}`;
  }

  /** The token's minute window, or null when it has neither rpm nor tpm: nothing to count then. */
  tokenWindowOf(token: TokenLimits, now: number): string | null {
    return token.rpm === null && token.tpm === null ? null : this.tokenWindow(token.id, now);
  }

  /** Arguments of tokenCheck / tokenCount after the window: rpm, tpm, estimated tokens, ttl ms. */
  tokenArguments(token: TokenLimits, estimatedTokens: number): (string | number)[] {
    return [limit(token.rpm), limit(token.tpm), estimatedTokens, MINUTE_TTL_MS];
  }

  /** What a refusal by tokenCheck (1 rpm, 2 tpm) tells the client. */
  tokenRefusal(verdict: number, now: number): TokenAdmission {
    if (verdict === 0) return { ok: true };
    return { ok: false, limit: verdict === 1 ? 'rpm' : 'tpm', retryAfterMs: MINUTE_MS - (now % MINUTE_MS) };
  }

  /** Counts the request against the token's rpm/tpm, or says which is reached and for how long. */
  async admitToken(token: TokenLimits, estimatedTokens: number, now: number): Promise<TokenAdmission> {
    const window = this.tokenWindowOf(token, now);
    if (window === null) return { ok: true };
    const [rpm, tpm, est, ttl] = this.tokenArguments(token, estimatedTokens);
    const result = await admitToken.run(
      this.redis,
      window,
      Number(rpm),
      Number(tpm),
      Number(est),
      Number(ttl),
    );
    return this.tokenRefusal(result, now);
  }

  /**
   * Takes a slot on the first key of `keys` (in order) that is neither cooling down nor at a cap,
   * judged inside Redis, atomically against other processes: one round trip for a pool of up to
   * POOL_WINDOW keys, then one more for each window (twice as large as the last) none of whose keys
   * could be taken, so a request's work does not grow with the pool.
   */
  async acquireFirst(
    candidates: readonly KeyModel[],
    estimatedTokens: number,
    now: number,
    once?: OnceKey,
  ): Promise<FirstAcquisition> {
    let passed: PassedOver = NOTHING_PASSED_OVER;
    for (
      let start = 0, size = POOL_WINDOW, round = 0;
      start < candidates.length;
      start += size, size *= 2, round++
    ) {
      const window = candidates.slice(start, start + size);
      const { keys: names, args } = this.acquisitionArguments(window, estimatedTokens, now);
      // Each window's run is keyed on its own: a re-sent one answers as it did.
      const step = once === undefined || round === 0 ? once : { ...once, step: `${once.step}:w${round}` };
      const taken = this.acquisitionOf(
        await acquireFirst.run(
          this.redis,
          names.length + 1,
          this.markerOf(step),
          ...names,
          ONCE_TTL_MS,
          ...args,
        ),
      );
      passed = addPassedOver(passed, taken);
      if (taken.index >= 0) {
        const index = start + taken.index;
        this.keyTaken((candidates[index] as KeyModel).key.id);
        return { ...taken, ...passed, index };
      }
    }
    return { index: -1, streaks: false, ...passed };
  }

  /** Counts a request on the key's lifetime totals (KeyStatsTally: not inside the scripts). */
  keyTaken(keyId: string): void {
    this.stats.requested(keyId);
  }

  /** Counts an attempt's tokens on the key's lifetime totals. */
  keyUsed(keyId: string, tokens: number): void {
    this.stats.used(keyId, tokens);
  }

  /** KEYS and ARGV of acquireFirst (limit-scripts.ts) for these (key, model) pairs in this order. */
  acquisitionArguments(
    candidates: readonly KeyModel[],
    estimatedTokens: number,
    now: number,
  ): ScriptArguments {
    const names: string[] = [];
    const caps: (number | string)[] = [];
    for (const { key, upstreamModel } of candidates) {
      const own = key.modelLimits[upstreamModel];
      // Cached until the zone's day ends: no Intl on the hot path.
      const day = dayOf(key.dayZone ?? UTC_ZONE, now);
      const windows = this.keyWindows(key.id, now, day.id, key);
      const modelWindows = this.keyWindows(
        key.id,
        now,
        day.id,
        modelLimitsOf(key, upstreamModel),
        upstreamModel,
      );
      names.push(
        keyStatsRedisKey(this.prefix, key.id),
        windows.minute,
        windows.day,
        modelWindows.minute,
        modelWindows.day,
      );
      caps.push(limit(key.rpm), limit(key.tpm), limit(key.rpd), limit(key.tpd));
      caps.push(limit(own?.rpm), limit(own?.tpm), limit(own?.rpd), limit(own?.tpd), upstreamModel, day.end);
    }
    return { keys: names, args: [now, estimatedTokens, MINUTE_TTL_MS, DAY_GRACE_MS, ...caps] };
  }

  /**
   * acquireFirst's answer {position (1-based), soonest, cooling, capped, refused, streaks} as a
   * FirstAcquisition.
   */
  acquisitionOf([index, soonest, cooling, capped, refused, streaks]: number[]): FirstAcquisition {
    return {
      index: (index ?? 0) - 1,
      soonestRecovery: (soonest ?? 0) > 0 ? (soonest as number) : null,
      cooling: cooling ?? 0,
      capped: capped ?? 0,
      refused: refused ?? 0,
      streaks: streaks === 1,
    };
  }

  /** A 429 on the whole key: cools it (Retry-After, else exponential backoff); returns until when (ms epoch). */
  async coolKey(
    keyId: string,
    retryAfterMs: number | null,
    now: number,
    policy: { baseMs: number; maxMs: number } = {
      baseMs: this.config.RELAY_COOLDOWN_BASE_MS,
      maxMs: this.config.RELAY_COOLDOWN_MAX_MS,
    },
  ): Promise<number> {
    return (await this.cool({ keyId, retryAfterMs, now, ...policy })).until;
  }

  /**
   * Cools one model on a key (`model`) or the whole key (`model: null`) for `retryAfterMs`, else an
   * exponential backoff; `reason` says why, for the key pool page (`out_of_credit` cools long).
   */
  async cool(input: {
    keyId: string;
    retryAfterMs: number | null;
    now: number;
    baseMs: number;
    maxMs: number;
    model?: string | null;
    reason?: 'rate_limited' | 'out_of_credit';
    once?: OnceKey;
  }): Promise<Cooled> {
    const [until, started] = await coolKey.run(
      this.redis,
      2,
      this.markerOf(input.once),
      keyStatsRedisKey(this.prefix, input.keyId),
      ONCE_TTL_MS,
      input.now,
      input.retryAfterMs === null ? -1 : Math.max(0, Math.round(input.retryAfterMs)),
      input.baseMs,
      input.maxMs,
      input.model ?? '',
      input.reason ?? 'rate_limited',
    );
    return { until, started: started === 1 };
  }

  /**
   * The upstream refused the key: no relay process takes it for `forMs` (until their tables, reloaded
   * on the announcement, leave it out). Returns whether this call marked it first.
   */
  async refuseKey(keyId: string, now: number, forMs: number, once?: OnceKey): Promise<boolean> {
    const [marked] = await refuseKey.run(
      this.redis,
      this.markerOf(once),
      keyStatsRedisKey(this.prefix, keyId),
      ONCE_TTL_MS,
      now + forMs,
      now,
    );
    return marked === 1;
  }

  /**
   * Settles an attempt: moves the windows it was counted in from the estimate to the real token count
   * and records the outcome on the key.
   */
  async settle(attempt: AttemptSettlement, once?: OnceKey): Promise<void> {
    const { keys, args } = this.settlementArguments(attempt);
    await settleKey.run(this.redis, this.markerOf(once), ...keys, ONCE_TTL_MS, ...args);
    this.keyUsed(attempt.keyId, attempt.actualTokens);
  }

  /** KEYS and ARGV of settleKey (limit-scripts.ts) for this attempt. */
  settlementArguments(attempt: AttemptSettlement): ScriptArguments {
    const dayId = dayOf(attempt.limits?.dayZone ?? UTC_ZONE, attempt.countedAt).id;
    const windows = this.keyWindows(attempt.keyId, attempt.countedAt, dayId, attempt.limits);
    const modelWindows = this.keyWindows(
      attempt.keyId,
      attempt.countedAt,
      dayId,
      attempt.limits?.modelLimits === undefined
        ? undefined
        : modelLimitsOf({ modelLimits: attempt.limits.modelLimits }, attempt.upstreamModel),
      attempt.upstreamModel,
    );
    return {
      keys: [
        keyStatsRedisKey(this.prefix, attempt.keyId),
        attempt.tokenWindow ?? this.absent,
        windows.minute,
        windows.day,
        modelWindows.minute,
        modelWindows.day,
      ],
      args: [
        attempt.outcome,
        attempt.estimatedTokens,
        attempt.actualTokens,
        attempt.now,
        attempt.upstreamModel,
        attempt.streaks === false ? 0 : 1,
      ],
    };
  }

  /** A request that was admitted but never reached an upstream gives its tokens back. */
  async refundToken(tokenWindow: string, estimatedTokens: number, once?: OnceKey): Promise<void> {
    if (estimatedTokens <= 0) return;
    await refundToken.run(
      this.redis,
      this.markerOf(once),
      tokenWindow,
      ONCE_TTL_MS,
      estimatedTokens,
      MINUTE_TTL_MS,
    );
  }

  /**
   * The once-marker of one call of a request, beside the request's own (`once:<requestId>`, which
   * its admission and settlement scripts keep); the absent key when the call is not keyed.
   */
  private markerOf(once: OnceKey | undefined): string {
    return once === undefined ? this.absent : `${this.prefix}:once:${once.requestId}:${once.step}`;
  }

  /**
   * A key's minute and day windows at `now` (with `model`, the (key, model) ones), the day's named by
   * `dayId` (ZoneDay: the local day of the key's zone); '' for one it keeps no count in (no limit of it).
   */
  private keyWindows(
    keyId: string,
    now: number,
    dayId: string,
    limits?: KeyLimits,
    model?: string,
  ): { minute: string; day: string } {
    const base = `${this.prefix}:rl:k:${model === undefined ? keyId : `${keyId}:${model}`}`;
    return {
      minute:
        limits && limits.rpm === null && limits.tpm === null
          ? this.absent
          : `${base}:m:${Math.floor(now / MINUTE_MS)}`,
      day: limits && limits.rpd === null && limits.tpd === null ? this.absent : `${base}:d:${dayId}`,
    };
  }
}
