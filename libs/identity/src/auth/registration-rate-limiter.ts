// Brake on self-service sign-up, per client IP: every attempt counts (a success creates a tenant, so
// it is the flood to stop, not only failures). The counter lives in Redis, so every api process
// enforces the same limit.
import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@gateway/config';
import { REDIS } from '@gateway/redis';
import type Redis from 'ioredis';
import { IdentityError, IdentityErrorCode } from '../identity.errors';

export const REGISTRATION_LIMITS = {
  /** Sign-up attempts per client IP per window. */
  perIp: 10,
  windowMs: 60 * 60_000,
} as const;

// KEYS: IP counter. ARGV: limit, window ms. Returns 0 when the attempt was counted, else the ms until the counter resets.
const RESERVE = `
if tonumber(redis.call('GET', KEYS[1]) or '0') >= tonumber(ARGV[1]) then
  local ttl = redis.call('PTTL', KEYS[1])
  if ttl < 0 then
    redis.call('PEXPIRE', KEYS[1], ARGV[2])
    ttl = tonumber(ARGV[2])
  end
  return ttl
end
if redis.call('INCR', KEYS[1]) == 1 or redis.call('PTTL', KEYS[1]) < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
`;

/** 429 from the sign-up limiter; the surfaces send `retryAfterMs` as Retry-After. */
export class RegistrationRateLimitedError extends IdentityError {
  constructor(retryAfterSeconds: number) {
    super(
      IdentityErrorCode.RateLimited,
      `too many sign-ups from this address; retry in ${retryAfterSeconds} s`,
      {
        retryAfterMs: retryAfterSeconds * 1000,
      },
    );
  }
}

@Injectable()
export class RegistrationRateLimiter {
  private readonly logger = new Logger('RegistrationRateLimiter');

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Counts one sign-up attempt from `ip`, or throws RegistrationRateLimitedError when its window is spent. */
  async reserve(ip: string | undefined): Promise<void> {
    const key = `${this.config.REDIS_PREFIX}:register:ip:${ip || 'unknown'}`;
    let waitMs: number;
    try {
      waitMs = Number(
        await this.redis.eval(RESERVE, 1, key, REGISTRATION_LIMITS.perIp, REGISTRATION_LIMITS.windowMs),
      );
    } catch (error) {
      // Fail open like the login limiter: a Redis outage should not close sign-up; argon2 keeps each attempt slow.
      this.logger.warn(`sign-up rate limit not applied, Redis failed: ${(error as Error).message}`);
      return;
    }
    if (waitMs > 0) throw new RegistrationRateLimitedError(Math.max(1, Math.ceil(waitMs / 1000)));
  }
}
