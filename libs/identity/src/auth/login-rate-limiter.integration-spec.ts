// The limiter's Redis scripts on their own, against the real Redis: atomic under concurrency,
// failures-only counting, and fail-open when Redis is unreachable.
import type { AppConfig } from '@gateway/config';
import { createTestRedis, TEST_REDIS_URL, TestRedis } from '@gateway/testing';
import Redis from 'ioredis';
import { LoginRateLimitedError } from '../identity.errors';
import { LOGIN_LIMITS, LoginRateLimiter } from './login-rate-limiter';

describe('LoginRateLimiter', () => {
  let testRedis: TestRedis;
  let redis: Redis;
  let limiter: LoginRateLimiter;

  beforeAll(() => {
    testRedis = createTestRedis('login-limiter');
    redis = new Redis(TEST_REDIS_URL);
    limiter = new LoginRateLimiter(redis, { REDIS_PREFIX: testRedis.prefix } as AppConfig);
  });
  afterAll(async () => {
    await testRedis.cleanup();
    redis.disconnect();
  });

  it('lets exactly the allowance through when attempts race', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () => limiter.reserve('race@example.test', '203.0.113.1')),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(LOGIN_LIMITS.accountFailures);
    const refused = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
    expect(refused.every((r) => r.reason instanceof LoginRateLimitedError)).toBe(true);
    expect((refused[0]!.reason as LoginRateLimitedError).retryAfterSeconds).toBeGreaterThan(0);
  });

  it('a success hands back its own reservation only: the address keeps counting failures', async () => {
    const ip = '203.0.113.2';
    for (let i = 0; i < 5; i++) await limiter.reserve(`x${i}@example.test`, ip);
    const good = await limiter.reserve('good@example.test', ip);
    await limiter.succeeded(good);
    expect(await redis.get(`${testRedis.prefix}:login:ip:${ip}`)).toBe('5');
  });

  it('fails open when Redis cannot be asked: an outage must not lock every operator out', async () => {
    const down = { eval: () => Promise.reject(new Error('connect ECONNREFUSED')) } as unknown as Redis;
    const offline = new LoginRateLimiter(down, { REDIS_PREFIX: testRedis.prefix } as AppConfig);
    const attempt = await offline.reserve('any@example.test', '203.0.113.3');
    expect(attempt.counted).toBe(false);
    await expect(offline.succeeded(attempt)).resolves.toBeUndefined();
  });
});
