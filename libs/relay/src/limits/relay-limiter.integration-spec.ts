// The limiter's Lua scripts on the real Redis: what two API processes share.
import { loadConfig, type AppConfig } from '@gateway/config';
import { createTestRedis, type TestRedis } from '@gateway/testing';
import Redis from 'ioredis';
import type { KeyCandidate } from '../routing/routing-snapshot';
import { keyCandidate as key } from '../routing/routing-candidates.fixtures';
import { keyStatsRedisKey, readKeyCooldowns } from '@gateway/channels';
import { KeyStatsTally } from './key-stats-tally';
import { POOL_WINDOW, RelayLimiter } from './relay-limiter';

describe('RelayLimiter (real Redis)', () => {
  let testRedis: TestRedis;
  let clients: Redis[];
  let a: RelayLimiter;
  let tallies: KeyStatsTally[] = [];
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
    tallies = [
      new KeyStatsTally(clients[0] as Redis, config),
      new KeyStatsTally(clients[1] as Redis, config),
    ];
    a = new RelayLimiter(clients[0] as Redis, config, tallies[0] as KeyStatsTally);
    b = new RelayLimiter(clients[1] as Redis, config, tallies[1] as KeyStatsTally);
  });

  afterAll(async () => {
    for (const tally of tallies) await tally.beforeApplicationShutdown();
    for (const client of clients) client.disconnect();
    await testRedis.cleanup();
  });

  /** Takes a slot on one key: 'ok', or why not. */
  const acquire = async (limiter: RelayLimiter, candidate: KeyCandidate, tokens: number, at: number) => {
    const taken = await limiter.acquireFirst([{ key: candidate, upstreamModel: 'm' }], tokens, at);
    return taken.index === 0 ? 'ok' : taken.cooling > 0 ? 'cooling' : 'capped';
  };
  /** A key's request and token counts in its minute (`m`) or day (`d`) window, as the scripts keep them. */
  const counted = async (id: string, window: 'm' | 'd', at: number) => {
    const period = window === 'm' ? 60_000 : 86_400_000;
    const name = `${testRedis.prefix}:rl:k:${id}:${window}:${Math.floor(at / period)}`;
    const [r, t] = await (clients[0] as Redis).hmget(name, 'r', 't');
    return { requests: Number(r ?? 0), tokens: Number(t ?? 0) };
  };

  it('admits token requests up to tpm, then refuses until the window moves on', async () => {
    const token = { id: 'tok-tpm', rpm: null, tpm: 1000 };
    expect(await a.admitToken(token, 600, now)).toEqual({ ok: true });
    const refused = await b.admitToken(token, 600, now);
    expect(refused).toMatchObject({ ok: false, limit: 'tpm' });
    expect(refused.ok === false && refused.retryAfterMs).toBe(40_000);
    // Settling the first at its real size (100 tokens) frees room for the second.
    await a.settle({
      keyId: 'k-any',
      upstreamModel: 'm',
      countedAt: now,
      tokenWindow: a.tokenWindow(token.id, now),
      outcome: 'ok',
      estimatedTokens: 600,
      actualTokens: 100,
      now,
    });
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
      Array.from({ length: 12 }, (_, i) => acquire(i % 2 ? a : b, capped, 10, now)),
    );
    expect(results.filter((r) => r === 'ok')).toHaveLength(5);
    expect(results.filter((r) => r === 'capped')).toHaveLength(7);
    const nextMinute = await Promise.all(
      Array.from({ length: 5 }, () => acquire(a, capped, 10, now + 60_000)),
    );
    expect(nextMinute.filter((r) => r === 'ok')).toHaveLength(2);
    expect(await counted(capped.id, 'm', now)).toEqual({ requests: 5, tokens: 50 });
    expect(await counted(capped.id, 'd', now)).toEqual({ requests: 7, tokens: 70 });
  });

  it('takes the first key of a pool that is neither cooling nor capped, and says what it passed over', async () => {
    const pool = [
      key('p-cool-late'),
      key('p-capped', { rpm: 1 }),
      key('p-cool-soon'),
      key('p-free'),
      key('p-next'),
    ];
    await a.coolKey('p-cool-late', 30_000, now);
    await a.coolKey('p-cool-soon', 5_000, now);
    expect(await acquire(a, key('p-capped', { rpm: 1 }), 1, now)).toBe('ok');
    expect(
      await b.acquireFirst(
        pool.map((k) => ({ key: k, upstreamModel: 'm' })),
        1,
        now,
      ),
    ).toEqual({
      index: 3,
      soonestRecovery: now + 5_000,
      cooling: 2,
      capped: 1,
      refused: 0,
      streaks: false,
    });
    // A cooldown that ends exactly now is over.
    expect(
      await b.acquireFirst([{ key: key('p-cool-soon'), upstreamModel: 'm' }], 1, now + 5_000),
    ).toMatchObject({
      index: 0,
      cooling: 0,
      // Its 429 left a strike, which the success of this attempt is to clear.
      streaks: true,
    });
    expect(await b.acquireFirst([], 1, now)).toEqual({
      index: -1,
      soonestRecovery: null,
      cooling: 0,
      capped: 0,
      refused: 0,
      streaks: false,
    });
  });

  it('sends a large pool a window at a time, and only the next window when none of one could be taken', async () => {
    // 40 keys, the first 20 cooling: the first window (16) is passed over, the next (32) takes key 21.
    const pool = Array.from({ length: 40 }, (_, i) => key(`w-${i + 1}`));
    for (const cooling of pool.slice(0, 20)) await a.coolKey(cooling.id, 30_000, now);
    const sent: number[] = [];
    const sendCommand = jest.spyOn(clients[1] as Redis, 'sendCommand');
    try {
      const taken = await b.acquireFirst(
        pool.map((k) => ({ key: k, upstreamModel: 'm' })),
        1,
        now,
        { requestId: 'req-windows', step: 'acquire:1' },
      );
      for (const [command] of sendCommand.mock.calls)
        if (command.name === 'evalsha') sent.push((Number(command.args[1]) - 1) / 5);
      expect(taken).toEqual({
        index: 20,
        // The 30 s asked for, clamped to this suite's RELAY_COOLDOWN_MAX_MS.
        soonestRecovery: now + 5_000,
        cooling: 20,
        capped: 0,
        refused: 0,
        streaks: false,
      });
    } finally {
      sendCommand.mockRestore();
    }
    // Two round trips, the second with the 24 keys left: never the whole pool at once.
    expect(sent).toEqual([POOL_WINDOW, 24]);
    // All cooling: every window passed over, and the counts are the whole pool's.
    const cooled = Array.from({ length: 20 }, (_, i) => key(`w-${i + 1}`));
    expect(
      await b.acquireFirst(
        cooled.map((k) => ({ key: k, upstreamModel: 'm' })),
        1,
        now,
      ),
    ).toMatchObject({ index: -1, cooling: 20 });
  });

  it.each([
    { cap: 'tpm' as const, later: now + 60_000 },
    { cap: 'tpd' as const, later: now + 86_400_000 },
  ])(
    'counts the estimate against $cap: a request fits exactly, one token more does not (but into an empty window)',
    async ({ cap, later }) => {
      const capped = key(`k-${cap}`, { [cap]: 1000 });
      expect(await acquire(a, capped, 900, now)).toBe('ok');
      expect(await acquire(b, capped, 101, now)).toBe('capped');
      expect(await acquire(b, capped, 100, now)).toBe('ok');
      expect(await acquire(a, capped, 1, now)).toBe('capped');
      expect(await acquire(a, capped, 1000, later)).toBe('ok');
      // A request larger than the whole cap is taken into an empty window (refused, it would wait
      // forever; the upstream judges it), and fills it.
      const big = key(`k-big-${cap}`, { [cap]: 1000 });
      expect(await acquire(a, big, 1001, now)).toBe('ok');
      expect(await acquire(b, big, 1, now)).toBe('capped');
    },
  );

  it('settles each attempt on the windows it was counted in, and the token window with the final one only', async () => {
    const token = { id: 'tok-settle', rpm: null, tpm: 100_000 };
    const tokenWindow = a.tokenWindow(token.id, now);
    const tokensOfToken = async () => Number(await (clients[0] as Redis).hget(tokenWindow, 't'));
    expect(await a.admitToken(token, 500, now)).toEqual({ ok: true });
    // The first key fails: its windows give the estimate back; the token's keeps it for the next try.
    expect(await acquire(a, key('k-settle-1', { tpm: 100_000, tpd: 1_000_000 }), 500, now)).toBe('ok');
    await b.settle({
      keyId: 'k-settle-1',
      upstreamModel: 'm',
      countedAt: now,
      tokenWindow: null,
      outcome: 'fail',
      estimatedTokens: 500,
      actualTokens: 0,
      now: now + 1000,
    });
    expect(await counted('k-settle-1', 'm', now)).toEqual({ requests: 1, tokens: 0 });
    expect(await tokensOfToken()).toBe(500);
    // The second answers, settled a minute later: the windows it was counted in get the real count.
    expect(await acquire(a, key('k-settle-2', { rpm: 100, rpd: 1000 }), 500, now)).toBe('ok');
    await b.settle({
      keyId: 'k-settle-2',
      upstreamModel: 'm',
      countedAt: now,
      tokenWindow,
      outcome: 'ok',
      estimatedTokens: 500,
      actualTokens: 120,
      now: now + 60_000,
    });
    expect(await counted('k-settle-2', 'm', now)).toEqual({ requests: 1, tokens: 120 });
    expect(await counted('k-settle-2', 'd', now)).toEqual({ requests: 1, tokens: 120 });
    expect(await tokensOfToken()).toBe(120);
  });

  it('keeps no windows for a token or key without limits, and still counts the key requests and tokens', async () => {
    const token = { id: 'tok-free', rpm: null, tpm: null };
    expect(await a.admitToken(token, 500, now)).toEqual({ ok: true });
    expect(a.tokenWindowOf(token, now)).toBeNull();
    expect(await (clients[0] as Redis).exists(a.tokenWindow(token.id, now))).toBe(0);
    const free = key('k-free');
    expect(await acquire(a, free, 500, now)).toBe('ok');
    await b.settle({
      keyId: free.id,
      limits: free,
      upstreamModel: 'm',
      countedAt: now,
      tokenWindow: null,
      outcome: 'ok',
      estimatedTokens: 500,
      actualTokens: 120,
      now,
    });
    expect(await counted(free.id, 'm', now)).toEqual({ requests: 0, tokens: 0 });
    expect(await counted(free.id, 'd', now)).toEqual({ requests: 0, tokens: 0 });
    // Counted in each process, added to the key's hash once a second (or now).
    const statsKey = `${testRedis.prefix}:key:${free.id}`;
    expect(await (clients[0] as Redis).hmget(statsKey, 'totalRequests', 'totalTokens')).toEqual([null, null]);
    await Promise.all(tallies.map((tally) => tally.flush()));
    const stats = await (clients[0] as Redis).hmget(
      `${testRedis.prefix}:key:${free.id}`,
      'totalRequests',
      'totalTokens',
    );
    expect(stats).toEqual(['1', '120']);
    // A limit set later starts counting from then on.
    const limited = key('k-free', { rpm: 1 });
    expect(await acquire(a, limited, 1, now)).toBe('ok');
    expect(await acquire(b, limited, 1, now)).toBe('capped');
  });

  it('cools a key for Retry-After, else by doubling backoff clamped to the maximum, and never shortens a cooldown', async () => {
    expect(await a.coolKey('k-cool', 3000, now)).toBe(now + 3000);
    expect(await acquire(b, key('k-cool'), 1, now + 1000)).toBe('cooling');
    // A 429 while the key is already cooling (a request that was in flight) adds no strike, and the
    // longer cooldown stands.
    expect(await a.coolKey('k-cool', null, now)).toBe(now + 3000);
    // Once it is over, each new 429 without Retry-After doubles the 1 s base: strikes 2, 3, 4…
    expect(await a.coolKey('k-cool', null, now + 10_000)).toBe(now + 10_000 + 2000);
    expect(await a.coolKey('k-cool', null, now + 20_000)).toBe(now + 20_000 + 4000);
    expect(await a.coolKey('k-cool', null, now + 25_000)).toBe(now + 25_000 + 5000);
    expect(await a.coolKey('k-cool', 3_600_000, now + 30_000)).toBe(now + 30_000 + 5000);
    expect(await acquire(b, key('k-cool'), 1, now + 40_000)).toBe('ok');
    // A success clears the strikes: the next 429 without Retry-After starts again from the base.
    await b.settle({
      keyId: 'k-cool',
      upstreamModel: 'm',
      countedAt: now + 40_000,
      tokenWindow: null,
      outcome: 'ok',
      estimatedTokens: 1,
      actualTokens: 1,
      now: now + 40_000,
    });
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
    // …and a guess while it is in force does not replace the upstream's word.
    await a.coolKey('k-guess', null, now + 200);
    expect(await cooldown('k-guess', now + 200)).toMatchObject({ until: now + 5000, guessed: false });
    // After it, the next guess (second strike: 2 s) is in force, and says so.
    await a.coolKey('k-guess', null, now + 6000);
    expect(await cooldown('k-guess', now + 6000)).toMatchObject({ until: now + 8000, guessed: true });
  });

  it('cools one model on a key while its other models still serve, unless the whole key is limited', async () => {
    const k = key('k-models');
    const policy = { baseMs: 1000, maxMs: 5000 };
    const cooled = await a.cool({ keyId: 'k-models', retryAfterMs: 3000, now, ...policy, model: 'm-a' });
    expect(cooled).toEqual({ until: now + 3000, started: true });
    expect(await b.acquireFirst([{ key: k, upstreamModel: 'm-a' }], 1, now + 1)).toMatchObject({
      index: -1,
      cooling: 1,
      soonestRecovery: now + 3000,
    });
    expect(await b.acquireFirst([{ key: k, upstreamModel: 'm-b' }], 1, now + 1)).toMatchObject({ index: 0 });
    await a.cool({ keyId: 'k-models', retryAfterMs: 2000, now, ...policy, model: null });
    expect(await b.acquireFirst([{ key: k, upstreamModel: 'm-b' }], 1, now + 1)).toMatchObject({ index: -1 });
  });

  it('counts a model’s own caps on a key in windows of their own', async () => {
    const k = key('k-model-caps', { modelLimits: { 'm-small': { rpm: 1 } } });
    expect(await a.acquireFirst([{ key: k, upstreamModel: 'm-small' }], 1, now)).toMatchObject({ index: 0 });
    expect(await b.acquireFirst([{ key: k, upstreamModel: 'm-small' }], 1, now)).toMatchObject({
      index: -1,
      capped: 1,
    });
    expect(await b.acquireFirst([{ key: k, upstreamModel: 'm-other' }], 1, now)).toMatchObject({ index: 0 });
  });

  it('counts a key’s daily caps in its zone’s local days: a Pacific key frees at Pacific midnight', async () => {
    const pacific = 'America/Los_Angeles';
    const k = key('k-pacific', { rpd: 1, dayZone: pacific });
    const perModel = key('k-pacific-model', { dayZone: pacific, modelLimits: { m: { rpd: 1 } } });
    // 07:00 UTC on 6 December is 23:00 on the 5th in Los Angeles (PST, UTC-8).
    const capped = Date.UTC(2026, 11, 6, 7);
    const pacificMidnight = Date.UTC(2026, 11, 6, 8);
    for (const candidate of [k, perModel]) {
      expect(await a.acquireFirst([{ key: candidate, upstreamModel: 'm' }], 1, capped)).toMatchObject({
        index: 0,
      });
      // Refused until the Pacific midnight, not the UTC one 17 hours later; that is when it recovers.
      expect(await b.acquireFirst([{ key: candidate, upstreamModel: 'm' }], 1, pacificMidnight - 1)).toEqual({
        index: -1,
        soonestRecovery: pacificMidnight,
        cooling: 0,
        capped: 1,
        refused: 0,
        streaks: false,
      });
      expect(await acquire(b, candidate, 1, pacificMidnight)).toBe('ok');
      // The UTC midnight that follows starts no fresh day: Google still refuses until 08:00 UTC.
      const utcMidnight = Date.UTC(2026, 11, 7);
      expect(await b.acquireFirst([{ key: candidate, upstreamModel: 'm' }], 1, utcMidnight)).toMatchObject({
        index: -1,
        capped: 1,
        soonestRecovery: Date.UTC(2026, 11, 7, 8),
      });
    }
    // The window lives through the local day (and a little after), whatever the UTC day.
    const windows = await clients[0]!.keys(`${testRedis.prefix}:rl:k:k-pacific:d:*`);
    expect(windows.sort()).toEqual([
      `${testRedis.prefix}:rl:k:k-pacific:d:${pacific}:2026-12-05`,
      `${testRedis.prefix}:rl:k:k-pacific:d:${pacific}:2026-12-06`,
    ]);
  });

  it('keeps a day window for a 25-hour local day to its end', async () => {
    const pacific = 'America/Los_Angeles';
    const k = key('k-pacific-long', { rpd: 5, dayZone: pacific });
    // 1 November 2026 in Los Angeles: 07:00 UTC to 08:00 UTC the next day. Counted at its start.
    const start = Date.UTC(2026, 10, 1, 7);
    expect(await acquire(a, k, 1, start)).toBe('ok');
    const ttl = await clients[0]!.pttl(`${testRedis.prefix}:rl:k:k-pacific-long:d:${pacific}:2026-11-01`);
    expect(ttl).toBeGreaterThan(25 * 3_600_000);
    expect(ttl).toBeLessThanOrEqual(25 * 3_600_000 + 2 * 60_000);
  });

  it('does not multiply a backoff by the 429s of requests that were in flight together', async () => {
    const policy = { baseMs: 1000, maxMs: 300_000 };
    const burst = await Promise.all(
      Array.from({ length: 15 }, (_, i) =>
        (i % 2 === 0 ? a : b).cool({ keyId: 'k-burst', retryAfterMs: null, now, ...policy, model: 'm' }),
      ),
    );
    expect(burst.filter((c) => c.started)).toHaveLength(1);
    expect(new Set(burst.map((c) => c.until))).toEqual(new Set([now + 1000]));
  });

  it('refuses a key at once for every process, and says which process marked it first', async () => {
    expect(await a.refuseKey('k-refused', now, 60_000)).toBe(true);
    expect(await b.refuseKey('k-refused', now + 1, 60_000)).toBe(false);
    expect(
      await b.acquireFirst(
        [
          { key: key('k-refused'), upstreamModel: 'm' },
          { key: key('k-fine'), upstreamModel: 'm' },
        ],
        1,
        now + 2,
      ),
    ).toMatchObject({ index: 1, refused: 1, cooling: 0 });
    expect(
      await b.acquireFirst([{ key: key('k-refused'), upstreamModel: 'm' }], 1, now + 60_001),
    ).toMatchObject({
      index: 0,
    });
  });
  it('counts a failover call once per (request id, step), however often ioredis sends it', async () => {
    // ioredis re-sends a script whose answer a dropped connection lost: here, each call twice.
    const pool = [
      { key: key('k-once-1', { rpm: 100, tpm: 100_000 }), upstreamModel: 'm' },
      { key: key('k-once-2', { rpm: 100, tpm: 100_000 }), upstreamModel: 'm' },
    ];
    const acquireOnce = { requestId: 'req-once', step: 'acquire:1' };
    const taken = await a.acquireFirst(pool, 300, now, acquireOnce);
    expect(await b.acquireFirst(pool, 300, now, acquireOnce)).toEqual(taken);
    expect(taken.index).toBe(0);
    expect(await counted('k-once-1', 'm', now)).toEqual({ requests: 1, tokens: 300 });

    const settlement = {
      keyId: 'k-once-1',
      upstreamModel: 'm',
      countedAt: now,
      tokenWindow: null,
      outcome: 'fail' as const,
      estimatedTokens: 300,
      actualTokens: 0,
      now,
    };
    await a.settle(settlement, { requestId: 'req-once', step: 'settle:1' });
    await b.settle(settlement, { requestId: 'req-once', step: 'settle:1' });
    expect(await counted('k-once-1', 'm', now)).toEqual({ requests: 1, tokens: 0 });
    const stats = keyStatsRedisKey(testRedis.prefix, 'k-once-1');
    const failures = async () => Number(await (clients[0] as Redis).hget(stats, 'failures'));
    expect(await failures()).toBe(1);

    // A 429 with Retry-After: 0 does not leave the scope cooling, so only the marker stops a second strike.
    const cool = { keyId: 'k-once-1', retryAfterMs: 0, now, baseMs: 1000, maxMs: 5000, model: 'm' };
    const cooled = await a.cool({ ...cool, once: { requestId: 'req-once', step: 'cool:1' } });
    expect(await b.cool({ ...cool, once: { requestId: 'req-once', step: 'cool:1' } })).toEqual(cooled);
    expect(Number(await (clients[0] as Redis).hget(stats, 'strikes:m'))).toBe(1);

    expect(await a.refuseKey('k-once-2', now, 60_000, { requestId: 'req-once', step: 'refuse:2' })).toBe(
      true,
    );
    // The re-sent refusal answers as the first did, so the key is audited and disabled by this request.
    expect(await b.refuseKey('k-once-2', now, 60_000, { requestId: 'req-once', step: 'refuse:2' })).toBe(
      true,
    );

    // The next attempt of the same request is a call of its own: it counts.
    expect(await a.acquireFirst(pool, 300, now, { requestId: 'req-once', step: 'acquire:2' })).toMatchObject({
      index: 0,
    });
    expect(await counted('k-once-1', 'm', now)).toEqual({ requests: 2, tokens: 300 });

    const token = { id: 'tok-once', rpm: 10, tpm: 10_000 };
    expect(await a.admitToken(token, 700, now)).toEqual({ ok: true });
    const window = a.tokenWindow(token.id, now);
    await a.refundToken(window, 700, { requestId: 'req-once', step: 'refund' });
    await b.refundToken(window, 700, { requestId: 'req-once', step: 'refund' });
    expect(Number(await (clients[0] as Redis).hget(window, 't'))).toBe(0);
  });
});
