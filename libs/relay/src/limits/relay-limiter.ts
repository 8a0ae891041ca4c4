// Limits and key state shared by every API process, in Redis (docs/design.md invariants 4 and 5).
// Times come from this process's clock; API processes are assumed NTP-synchronised.
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@gateway/config';
import { keyStatsRedisKey } from '@gateway/channels';
import { REDIS } from '@gateway/redis';
import type Redis from 'ioredis';
import type { KeyCandidate } from '../routing/routing-snapshot';
import { ACQUIRE_FIRST, ADMIT_TOKEN, COOL_KEY, SETTLE_KEY } from './limit-scripts';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** Windows outlive their period a little, so a late settle still finds them. */
const MINUTE_TTL_MS = 2 * MINUTE_MS;
const DAY_TTL_MS = DAY_MS + 2 * MINUTE_MS;

type RelayRedis = Redis & {
  relayAdmitToken(key: string, rpm: number, tpm: number, est: number, ttl: number): Promise<number>;
  relayAcquireFirst(...args: (string | number)[]): Promise<[number, number, number, number]>;
  relayCoolKey(key: string, now: number, wait: number, base: number, max: number): Promise<number>;
  relaySettleKey(...args: (string | number)[]): Promise<number>;
};

export type TokenAdmission = { ok: true } | { ok: false; limit: 'rpm' | 'tpm'; retryAfterMs: number };

/** What taking the first usable key of a list came to. */
export interface FirstAcquisition {
  /** Index in the list of the key taken, or -1 when none could be. */
  index: number;
  /** The earliest cooldown end among the keys passed over (ms epoch), or null. */
  soonestRecovery: number | null;
  /** Keys passed over because they were cooling down, or at one of their caps. */
  cooling: number;
  capped: number;
}

/** A key's limits: which of its windows are kept. */
export type KeyLimits = Pick<KeyCandidate, 'rpm' | 'tpm' | 'rpd' | 'tpd'>;

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
  /** The key's limits when it was taken (which windows it was counted in); absent: look at both. */
  readonly limits?: KeyLimits;
  /** When the attempt took its key's slot (the `now` given to acquireFirst): the windows it counted in. */
  readonly countedAt: number;
  /** The request's token window, given with the request's final attempt only (once per request). */
  readonly tokenWindow: string | null;
  /** `ok`: the key answered; `fail`: 5xx, timeout, refused connection; `none`: says nothing of the key. */
  readonly outcome: 'ok' | 'fail' | 'none';
  readonly estimatedTokens: number;
  readonly actualTokens: number;
  readonly now: number;
}

function limit(value: number | null | undefined): number {
  return value === null || value === undefined ? -1 : value;
}

@Injectable()
export class RelayLimiter {
  private readonly redis: RelayRedis;
  private readonly prefix: string;

  constructor(
    @Inject(REDIS) redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.prefix = config.REDIS_PREFIX;
    redis.defineCommand('relayAdmitToken', { numberOfKeys: 1, lua: ADMIT_TOKEN });
    // The number of keys varies per call: ioredis then takes it as the first argument.
    redis.defineCommand('relayAcquireFirst', { lua: ACQUIRE_FIRST });
    redis.defineCommand('relayCoolKey', { numberOfKeys: 1, lua: COOL_KEY });
    redis.defineCommand('relaySettleKey', { numberOfKeys: 4, lua: SETTLE_KEY });
    this.redis = redis as RelayRedis;
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
    const result = await this.redis.relayAdmitToken(
      window,
      Number(rpm),
      Number(tpm),
      Number(est),
      Number(ttl),
    );
    return this.tokenRefusal(result, now);
  }

  /**
   * Takes a slot on the first key of `keys` (in order) that is neither cooling down nor at a cap, in
   * one round trip: the whole pool is judged inside Redis, atomically against other processes.
   */
  async acquireFirst(
    keys: readonly KeyCandidate[],
    estimatedTokens: number,
    now: number,
  ): Promise<FirstAcquisition> {
    if (keys.length === 0) return { index: -1, soonestRecovery: null, cooling: 0, capped: 0 };
    const { keys: names, args } = this.acquisitionArguments(keys, estimatedTokens, now);
    return this.acquisitionOf(await this.redis.relayAcquireFirst(names.length, ...names, ...args));
  }

  /** KEYS and ARGV of acquireFirst (limit-scripts.ts) for these keys in this order. */
  acquisitionArguments(keys: readonly KeyCandidate[], estimatedTokens: number, now: number): ScriptArguments {
    const names: string[] = [];
    const caps: number[] = [];
    for (const key of keys) {
      const windows = this.keyWindows(key.id, now, key);
      names.push(keyStatsRedisKey(this.prefix, key.id), windows.minute, windows.day);
      caps.push(limit(key.rpm), limit(key.tpm), limit(key.rpd), limit(key.tpd));
    }
    return { keys: names, args: [now, estimatedTokens, MINUTE_TTL_MS, DAY_TTL_MS, ...caps] };
  }

  /** acquireFirst's answer {index (1-based), soonest, cooling, capped} as a FirstAcquisition. */
  acquisitionOf([index, soonest, cooling, capped]: [number, number, number, number]): FirstAcquisition {
    return { index: index - 1, soonestRecovery: soonest > 0 ? soonest : null, cooling, capped };
  }

  /** A 429: cools the key (Retry-After, else exponential backoff); returns until when (ms epoch). */
  async coolKey(
    keyId: string,
    retryAfterMs: number | null,
    now: number,
    policy: { baseMs: number; maxMs: number } = {
      baseMs: this.config.RELAY_COOLDOWN_BASE_MS,
      maxMs: this.config.RELAY_COOLDOWN_MAX_MS,
    },
  ): Promise<number> {
    return this.redis.relayCoolKey(
      keyStatsRedisKey(this.prefix, keyId),
      now,
      retryAfterMs === null ? -1 : Math.max(0, Math.round(retryAfterMs)),
      policy.baseMs,
      policy.maxMs,
    );
  }

  /**
   * Settles an attempt: moves the windows it was counted in from the estimate to the real token count
   * and records the outcome on the key.
   */
  async settle(attempt: AttemptSettlement): Promise<void> {
    const { keys, args } = this.settlementArguments(attempt);
    await this.redis.relaySettleKey(...keys, ...args);
  }

  /** KEYS and ARGV of settleKey (limit-scripts.ts) for this attempt. */
  settlementArguments(attempt: AttemptSettlement): ScriptArguments {
    const windows = this.keyWindows(attempt.keyId, attempt.countedAt, attempt.limits);
    return {
      keys: [
        keyStatsRedisKey(this.prefix, attempt.keyId),
        attempt.tokenWindow ?? '',
        windows.minute,
        windows.day,
      ],
      args: [attempt.outcome, attempt.estimatedTokens, attempt.actualTokens, attempt.now],
    };
  }

  /** A request that was admitted but never reached an upstream gives its tokens back. */
  async refundToken(tokenWindow: string, estimatedTokens: number): Promise<void> {
    if (estimatedTokens <= 0) return;
    await this.redis
      .multi()
      .hincrby(tokenWindow, 't', -estimatedTokens)
      .pexpire(tokenWindow, MINUTE_TTL_MS)
      .exec();
  }

  /** A key's minute and day windows at `now`; '' for one it keeps no count in (no limit of it). */
  private keyWindows(keyId: string, now: number, limits?: KeyLimits): { minute: string; day: string } {
    const base = `${this.prefix}:rl:k:${keyId}`;
    return {
      minute:
        limits && limits.rpm === null && limits.tpm === null
          ? ''
          : `${base}:m:${Math.floor(now / MINUTE_MS)}`,
      day:
        limits && limits.rpd === null && limits.tpd === null ? '' : `${base}:d:${Math.floor(now / DAY_MS)}`,
    };
  }
}
