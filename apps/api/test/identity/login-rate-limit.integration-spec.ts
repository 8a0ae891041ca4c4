// The login brake: failures per (account, IP) pair and per IP, counted in Redis and so shared by every api
// process; 429 rate_limited with Retry-After; a successful login clears the account's count.
import { LOGIN_LIMITS, Role } from '@gateway/identity';
import { TEST_REDIS_URL } from '@gateway/testing';
import Redis from 'ioredis';
import request from 'supertest';
import { ApiHarness, Replica, startApi, startReplica } from '../api-harness';
import { seedTenant, seedUser } from '../fixtures';

const PASSWORD = 'fixture-password-1';
let nextIp = 1;
/** A client address of its own for each test (the api trusts X-Forwarded-For from loopback only). */
const freshIp = () => `198.51.100.${nextIp++}`;

describe('login rate limit', () => {
  let api: ApiHarness;
  let second: Replica;
  let tenantId: string;
  let redis: Redis;

  beforeAll(async () => {
    api = await startApi('identity-login-limit');
    second = await startReplica(api);
    tenantId = (await seedTenant(api)).id;
    redis = new Redis(TEST_REDIS_URL);
  });
  afterAll(async () => {
    redis.disconnect();
    await second.close();
    await api.close();
  });

  const attempt = (url: string, ip: string, email: string, password: string) =>
    request(url).post('/api/auth/login').set('x-forwarded-for', ip).send({ email, password });

  it(`locks an account for the guessing address after ${LOGIN_LIMITS.accountFailures} failures, even for the right password`, async () => {
    const user = await seedUser(api, Role.Member, tenantId);
    const ip = freshIp();
    for (let i = 0; i < LOGIN_LIMITS.accountFailures; i++) {
      await attempt(api.url, ip, user.email, 'wrong password').expect(401);
    }
    const locked = await attempt(api.url, ip, user.email, PASSWORD).expect(429);
    expect(locked.body).toMatchObject({ statusCode: 429, code: 'rate_limited' });
    const retryAfter = Number(locked.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(LOGIN_LIMITS.windowMs / 1000);
    // Only for the guesser: whoever knows the address cannot lock its owner out from elsewhere.
    await attempt(api.url, freshIp(), user.email, PASSWORD).expect(200);
    // Other accounts from the same address are unaffected.
    const other = await seedUser(api, Role.Member, tenantId);
    await attempt(api.url, ip, other.email, PASSWORD).expect(200);
  });

  it('a guesser spreading over many accounts still meets the per-address limit', async () => {
    const ip = freshIp();
    const users = await Promise.all([0, 1, 2, 3].map(() => seedUser(api, Role.Member, tenantId)));
    let refused = 0;
    for (let i = 0; i < LOGIN_LIMITS.ipFailures + 1; i++) {
      const res = await attempt(api.url, ip, users[i % users.length]!.email, 'wrong password');
      if (res.status === 429) refused++;
    }
    expect(refused).toBeGreaterThan(0);
    await attempt(api.url, ip, users[0]!.email, PASSWORD).expect(429);
    await attempt(api.url, freshIp(), users[0]!.email, PASSWORD).expect(200);
  });

  it('keeps its counters under REDIS_PREFIX:login:, with an expiry, never the email itself', async () => {
    const user = await seedUser(api, Role.Member, tenantId);
    await attempt(api.url, freshIp(), user.email, 'wrong password').expect(401);
    const keys = await api.redis.keys();
    const loginKeys = keys.filter((k) => k.startsWith(`${api.config.REDIS_PREFIX}:login:`));
    expect(loginKeys.length).toBeGreaterThan(0);
    expect(loginKeys.join(' ')).not.toContain(user.email);
    for (const key of loginKeys) expect(await redis.pttl(key)).toBeGreaterThan(0);
  });

  it('the lock lifts when the window ends', async () => {
    const user = await seedUser(api, Role.Member, tenantId);
    const ip = freshIp();
    for (let i = 0; i < LOGIN_LIMITS.accountFailures; i++) {
      await attempt(api.url, ip, user.email, 'wrong password').expect(401);
    }
    await attempt(api.url, ip, user.email, PASSWORD).expect(429);
    // Fast-forward: end the window of every login counter of this suite.
    const keys = (await api.redis.keys()).filter((k) => k.includes(':login:'));
    for (const key of keys) await redis.pexpire(key, 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await attempt(api.url, ip, user.email, PASSWORD).expect(200);
  });

  it('a successful login clears the account’s failures', async () => {
    const user = await seedUser(api, Role.Member, tenantId);
    const ip = freshIp();
    for (let i = 0; i < LOGIN_LIMITS.accountFailures - 1; i++) {
      await attempt(api.url, ip, user.email, 'wrong password').expect(401);
    }
    await attempt(api.url, ip, user.email, PASSWORD).expect(200);
    for (let i = 0; i < LOGIN_LIMITS.accountFailures; i++) {
      await attempt(api.url, ip, user.email, 'wrong password').expect(401);
    }
    await attempt(api.url, ip, user.email, 'wrong password').expect(429);
  });

  it(`blocks an address after ${LOGIN_LIMITS.ipFailures} failures over any accounts`, async () => {
    const ip = freshIp();
    for (let i = 0; i < LOGIN_LIMITS.ipFailures; i++) {
      await attempt(api.url, ip, `nobody-${i}@example.test`, 'wrong password').expect(401);
    }
    const user = await seedUser(api, Role.Member, tenantId);
    const blocked = await attempt(api.url, ip, user.email, PASSWORD).expect(429);
    expect(blocked.body.code).toBe('rate_limited');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    // The same account from another address is fine: only the address is blocked.
    await attempt(api.url, freshIp(), user.email, PASSWORD).expect(200);
  });

  it('successful logins do not use up an address’s allowance', async () => {
    const ip = freshIp();
    const user = await seedUser(api, Role.Member, tenantId);
    for (let i = 0; i < LOGIN_LIMITS.ipFailures + 5; i++) {
      await attempt(api.url, ip, user.email, PASSWORD).expect(200);
    }
  });

  it('is shared by two api processes: failures on either count together', async () => {
    const user = await seedUser(api, Role.Member, tenantId);
    const ip = freshIp();
    for (let i = 0; i < LOGIN_LIMITS.accountFailures; i++) {
      await attempt(i % 2 === 0 ? api.url : second.url, ip, user.email, 'wrong password').expect(401);
    }
    const first = await attempt(api.url, ip, user.email, PASSWORD).expect(429);
    const other = await attempt(second.url, ip, user.email, PASSWORD).expect(429);
    expect(first.headers['retry-after']).toBeDefined();
    expect(other.headers['retry-after']).toBeDefined();
  });

  it('the address limit is shared by two api processes too', async () => {
    const ip = freshIp();
    for (let i = 0; i < LOGIN_LIMITS.ipFailures; i++) {
      await attempt(i % 2 === 0 ? second.url : api.url, ip, `ghost-${i}@example.test`, 'wrong').expect(401);
    }
    await attempt(api.url, ip, 'ghost-x@example.test', 'wrong').expect(429);
    await attempt(second.url, ip, 'ghost-y@example.test', 'wrong').expect(429);
  });

  it('concurrent guesses cannot slip past the account limit', async () => {
    const user = await seedUser(api, Role.Member, tenantId);
    const ip = freshIp();
    const results = await Promise.all(
      Array.from({ length: LOGIN_LIMITS.accountFailures * 2 }, (_, i) =>
        attempt(i % 2 === 0 ? api.url : second.url, ip, user.email, 'wrong password'),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(LOGIN_LIMITS.accountFailures);
    expect(statuses.filter((s) => s === 429)).toHaveLength(LOGIN_LIMITS.accountFailures);
  });
});
