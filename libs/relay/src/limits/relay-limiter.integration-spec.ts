// The limiter's Lua scripts on the real Redis: what two API processes share.
import { loadConfig, type AppConfig } from '@gateway/config';
import { createTestRedis, type TestRedis } from '@gateway/testing';
import Redis from 'ioredis';
import type { KeyCandidate } from '../routing/routing-snapshot';
import { readKeyCooldowns } from '@gateway/channels';
import { RelayLimiter } from './relay-limiter';

describe('RelayLimiter (real Redis)', () => {
  let testRedis: TestRedis;
  let clients: Redis[];
  let a: RelayLimiter;
  let b: RelayLimiter;
  let config: AppConfig;
  // Mid-minute, mid-day: no window boundary is crossed within a test.
  const now = Date.UTC(2026, 0, 15, 12, 30, 20);

  beforeAll(() => {
    testRedis = createTestRedis('relay_limiter');
    config = loadConfig({
      NODE_ENV: 'test',
      // Only Redis is used here; the database URL is never connected to.
      DATABASE_URL: 'postgres://unused@127.0.0.1:5432/unused',
      REDIS_PREFIX: testRedis.prefix,
      RELAY_COOLDOWN_BASE_MS: '1000',
      RELAY_COOLDOWN_MAX_MS: '5000',
    });
    clients = [new Redis(testRedis.url), new Redis(testRedis.url)];
    // Two limiters on two connections: two API processes.
    a = new RelayLimiter(clients[0] as Redis, config);
    b = new RelayLimiter(clients[1] as Redis, config);
  });

  afterAll(async () => {
    for (const client of clients) client.disconnect();
    await testRedis.cleanup();
  });

  const key = (id: string, caps: Partial<KeyCandidate> = {}): KeyCandidate => ({
    id,
    priority: 0,
    weight: 1,
    status: 'enabled',
    rpm: null,
    tpm: null,
    rpd: null,
    tpd: null,
    ...caps,
  });

  it('admits token requests up to tpm, then refuses until the window moves on', async () => {
    const token = { id: 'tok-tpm', rpm: null, tpm: 1000 };
    expect(await a.admitToken(token, 600, now)).toEqual({ ok: true });
    const refused = await b.admitToken(token, 600, now);
    expect(refused).toMatchObject({ ok: false, limit: 'tpm' });
    expect(refused.ok === false && refused.retryAfterMs).toBe(40_000);
    // Settling the first at its real size (100 tokens) frees room for the second.
    await a.settle(
      'k-any',
      { tokenWindow: a.tokenWindow(token.id, now), keyMinute: '', keyDay: '' },
      'ok',
      600,
      100,
      now,
    );
    expect(await b.admitToken(token, 600, now)).toEqual({ ok: true });
    expect(await a.admitToken(token, 600, now + 60_000)).toEqual({ ok: true });
  });

  it('admits one request larger than the whole tpm into an empty window, so it is not refused forever', async () => {
    expect(await a.admitToken({ id: 'tok-big', rpm: null, tpm: 100 }, 5000, now)).toEqual({ ok: true });
    expect(await a.admitToken({ id: 'tok-big', rpm: null, tpm: 100 }, 1, now)).toMatchObject({ ok: false });
  });

  it('takes key slots atomically across processes up to rpm, and rpd across minutes', async () => {
    const capped = key('k-rpm', { rpm: 5, rpd: 7 });
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).acquireKey(capped, 10, now)),
    );
    expect(results.filter((r) => r === 'ok')).toHaveLength(5);
    expect(results.filter((r) => r === 'capped')).toHaveLength(7);
    const nextMinute = await Promise.all(
      Array.from({ length: 5 }, () => a.acquireKey(capped, 10, now + 60_000)),
    );
    expect(nextMinute.filter((r) => r === 'ok')).toHaveLength(2);
    const states = await b.keyStates([capped.id], now);
    expect(states.get(capped.id)).toMatchObject({
      requestsThisMinute: 5,
      tokensThisMinute: 50,
      requestsToday: 7,
    });
  });

  it('cools a key for Retry-After, else by doubling backoff clamped to the maximum, and never shortens a cooldown', async () => {
    expect(await a.coolKey('k-cool', 3000, now)).toBe(now + 3000);
    expect(await b.acquireKey(key('k-cool'), 1, now + 1000)).toBe('cooling');
    // Without Retry-After: the strike count (now 2) doubles the 1 s base; the longer cooldown stands.
    expect(await a.coolKey('k-cool', null, now)).toBe(now + 3000);
    expect(await a.coolKey('k-cool', null, now + 10_000)).toBe(now + 10_000 + 4000);
    expect(await a.coolKey('k-cool', null, now + 20_000)).toBe(now + 20_000 + 5000);
    expect(await a.coolKey('k-cool', 3_600_000, now + 30_000)).toBe(now + 30_000 + 5000);
    expect(await b.acquireKey(key('k-cool'), 1, now + 40_000)).toBe('ok');
    // A success clears the strikes: the next 429 without Retry-After starts again from the base.
    await b.settle('k-cool', b.windowsOf('k-cool', null, now + 40_000), 'ok', 1, 1, now + 40_000);
    expect(await a.coolKey('k-cool', null, now + 50_000)).toBe(now + 50_000 + 1000);
  });

  it('records whether the cooldown in force is a guess (no Retry-After) or the upstream’s word', async () => {
    const cooldown = async (id: string, at: number) =>
      (await readKeyCooldowns(clients[0] as Redis, config.REDIS_PREFIX, [id], at)).get(id);
    await a.coolKey('k-guess', null, now);
    expect(await cooldown('k-guess', now)).toEqual({ until: now + 1000, guessed: true, last429At: now });
    // A longer Retry-After replaces the guess…
    await a.coolKey('k-guess', 4900, now + 100);
    expect(await cooldown('k-guess', now + 100)).toMatchObject({ until: now + 5000, guessed: false });
    // …and a shorter guess (third strike: 4 s) does not replace the upstream's word.
    await a.coolKey('k-guess', null, now + 200);
    expect(await cooldown('k-guess', now + 200)).toMatchObject({ until: now + 5000, guessed: false });
    // A longer guess does, and says so.
    await a.coolKey('k-guess', null, now + 2000);
    expect(await cooldown('k-guess', now + 2000)).toMatchObject({ until: now + 7000, guessed: true });
  });
});
