// Brute-force brake for /api/auth/login, per (account, client IP) pair and per client IP. Not per
// account alone: then anyone who knows an address could lock its owner out from everywhere. The counters live only in
// Redis, so every api process enforces the same limits. Each attempt is reserved atomically before
// the password is checked (concurrent guesses cannot slip past the limit) and handed back when the
// login succeeds, so only failures count.
import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@gateway/config';
import { REDIS } from '@gateway/redis';
import type Redis from 'ioredis';
import { LoginRateLimitedError } from '../identity.errors';

export const LOGIN_LIMITS = {
  /** Failed logins per account (email) from one client IP per window. */
  accountFailures: 10,
  /** Failed logins per client IP per window, over every account. */
  ipFailures: 30,
  windowMs: 15 * 60_000,
} as const;

// KEYS: account counter, IP counter. ARGV: account limit, IP limit, window ms.
// Returns 0 when the attempt was counted, else the ms until the fuller counter resets.
const RESERVE = `
local wait = 0
for i = 1, 2 do
  if tonumber(redis.call('GET', KEYS[i]) or '0') >= tonumber(ARGV[i]) then
    local ttl = redis.call('PTTL', KEYS[i])
    if ttl < 0 then
      redis.call('PEXPIRE', KEYS[i], ARGV[3])
      ttl = tonumber(ARGV[3])
    end
    if ttl > wait then wait = ttl end
  end
end
if wait > 0 then return wait end
for i = 1, 2 do
  if redis.call('INCR', KEYS[i]) == 1 or redis.call('PTTL', KEYS[i]) < 0 then
    redis.call('PEXPIRE', KEYS[i], ARGV[3])
  end
end
return 0
`;

// KEYS: account counter, IP counter. The account starts afresh; the IP gets its reserved attempt back.
const SUCCEEDED = `
redis.call('DEL', KEYS[1])
if tonumber(redis.call('GET', KEYS[2]) or '0') > 0 then redis.call('DECR', KEYS[2]) end
return 0
`;

export interface LoginAttempt {
  keys: [account: string, ip: string];
  /** false when Redis could not be asked, so there is nothing to hand back. */
  counted: boolean;
}

@Injectable()
export class LoginRateLimiter {
  private readonly logger = new Logger('LoginRateLimiter');

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Counts one attempt against `email` and `ip`, or throws LoginRateLimitedError when either is spent. */
  async reserve(email: string, ip: string | undefined): Promise<LoginAttempt> {
    const keys = this.keysFor(email, ip);
    let waitMs: number;
    try {
      waitMs = Number(
        await this.redis.eval(
          RESERVE,
          2,
          ...keys,
          LOGIN_LIMITS.accountFailures,
          LOGIN_LIMITS.ipFailures,
          LOGIN_LIMITS.windowMs,
        ),
      );
    } catch (error) {
      // Fail open: a Redis outage must not lock every operator out; argon2 still makes guessing slow.
      this.logger.warn(`login rate limit not applied, Redis failed: ${(error as Error).message}`);
      return { keys, counted: false };
    }
    if (waitMs > 0) throw new LoginRateLimitedError(Math.max(1, Math.ceil(waitMs / 1000)));
    return { keys, counted: true };
  }

  /** After a successful login: clears the account's failures and returns the IP's reserved attempt. */
  async succeeded(attempt: LoginAttempt): Promise<void> {
    if (!attempt.counted) return;
    await this.redis.eval(SUCCEEDED, 2, ...attempt.keys).catch((error: Error) => {
      this.logger.warn(`could not reset the login counter: ${error.message}`);
    });
  }

  private keysFor(email: string, ip: string | undefined): [string, string] {
    const base = `${this.config.REDIS_PREFIX}:login`;
    const client = ip || 'unknown';
    // Hashed, so Redis holds no email addresses and no odd characters end up in key names.
    const pair = createHash('sha256').update(`${email}\n${client}`).digest('hex');
    return [`${base}:account:${pair}`, `${base}:ip:${client}`];
  }
}
