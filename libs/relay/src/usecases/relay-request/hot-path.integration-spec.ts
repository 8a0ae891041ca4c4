// The hot path's two scripts on the real Redis, run twice for one request id as ioredis does when it
// re-sends a command whose answer a dropped connection lost (issue #14): the books, the limits and
// the usage stream must be as after one run. Also: the admission reads the session's key itself and
// tries it first, in the same order as the relay.
import { BalanceMirror, type CurrentPlan, type PriceBookService } from '@gateway/billing';
import { loadConfig, type AppConfig } from '@gateway/config';
import { createTestRedis, type TestRedis } from '@gateway/testing';
import type { TokenSnapshot, TokensService } from '@gateway/tokens';
import type { UsageRecorder } from '@gateway/usage';
import Redis from 'ioredis';
import { RelayLimiter } from '../../limits/relay-limiter';
import type { RelayMetrics } from '../../metrics/relay-metrics';
import { KeyStatsTally } from '../../limits/key-stats-tally';
import { StickySessions } from '../../relay/sticky-sessions';
import { UsageDraft } from '../../relay/usage-draft';
import { channelCandidate, keyCandidate } from '../../routing/routing-candidates.fixtures';
import { RequestAdmission } from './request-admission';
import { RequestSettlement } from './request-settlement';
import type { WorstCaseHold } from './worst-case-hold';

describe('the hot path, run twice for one request (real Redis)', () => {
  let testRedis: TestRedis;
  let redis: Redis;
  let config: AppConfig;
  let admission: RequestAdmission;
  let settlement: RequestSettlement;
  let sticky: StickySessions;
  const recorded: unknown[] = [];
  const streamed: unknown[] = [];
  // Mid-minute: no window boundary is crossed within a test.
  const now = Date.UTC(2026, 10, 15, 12, 30, 20);

  const plan = {
    plan: {
      limitRequests: 100n,
      limitInputTokens: null,
      limitOutputTokens: null,
      limitSpendNano: null,
      includedNano: 1_000n,
    },
    periodStart: new Date('2026-11-01T00:00:00Z'),
    // After the wall clock: the mirror keeps a period's counters until a week after its end, by the
    // wall clock (a fixed end in the past made them expire as they were loaded).
    periodEnd: new Date(Date.now() + 30 * 86_400_000),
  } as unknown as CurrentPlan;
  const token = {
    id: 'tok-once',
    tenantId: 't-once',
    quotaNano: 1_000_000n,
    quotaEpoch: 3,
    rpm: 100,
    tpm: 100_000,
  } as unknown as TokenSnapshot;
  /** Two channels of one key each; the plan tries `first` before `second`. */
  const candidates = [
    {
      channel: channelCandidate('first'),
      key: keyCandidate('k-first', { rpm: 50 }),
      upstreamModel: 'm',
      model: 'm',
    },
    {
      channel: channelCandidate('second'),
      key: keyCandidate('k-second', { rpm: 50 }),
      upstreamModel: 'm',
      model: 'm',
    },
  ];

  beforeAll(() => {
    testRedis = createTestRedis('hot_path_once');
    config = loadConfig({
      NODE_ENV: 'test',
      // Only Redis is used here; the database URL is never connected to.
      DATABASE_URL: 'postgres://unused@127.0.0.1:5432/unused',
      REDIS_PREFIX: testRedis.prefix,
    });
    redis = new Redis(testRedis.url);
    // PostgreSQL as the mirror loads it: $0.00005 of credit, no period usage yet.
    const balances = {
      findOne: async () => ({ creditsNano: 50_000n, debitsNano: 0n, creditSeq: 1n }),
    } as unknown as ConstructorParameters<typeof BalanceMirror>[2];
    const periods = { findOne: async () => null } as unknown as ConstructorParameters<
      typeof BalanceMirror
    >[3];
    const tokens = { usedNano: async () => 0n } as unknown as TokensService;
    const mirror = new BalanceMirror(redis, config, balances, periods, tokens);
    const limiter = new RelayLimiter(redis, config, new KeyStatsTally(redis, config));
    const worstCase = {
      request: async (_token: TokenSnapshot, draft: UsageDraft) => ({
        requestId: draft.requestId,
        tenantId: token.tenantId,
        tokenId: token.id,
        amountNano: 3_000n,
        tokenQuotaNano: token.quotaNano,
        tokenQuotaEpoch: token.quotaEpoch,
        plan,
        inputTokens: 10,
        outputTokens: 90,
      }),
    } as unknown as WorstCaseHold;
    admission = new RequestAdmission(redis, mirror, limiter, worstCase);
    const prices = { current: async () => ({}) } as unknown as PriceBookService;
    // `record`: the event goes to the stream by the batching path; `sent`: the script put it there
    // (the outbox keeps it until stored).
    const usage = {
      record: (event: unknown) => recorded.push(event),
      sent: (event: unknown) => streamed.push(event),
    } as unknown as UsageRecorder;
    const metrics = {
      requests: { inc: () => undefined },
      tokens: { inc: () => undefined },
      ttft: { observe: () => undefined },
    } as unknown as RelayMetrics;
    settlement = new RequestSettlement(redis, config, prices, mirror, limiter, usage, metrics);
    sticky = new StickySessions(config);
  });

  afterAll(async () => {
    redis.disconnect();
    await testRedis.cleanup();
  });

  /**
   * Every key of this suite with its content (TTLs aside): what a second run must leave as it was.
   * The request's once-marker aside: that a second run notes it was one is the point.
   */
  async function everything(): Promise<Record<string, unknown>> {
    const keys = (await redis.keys(`${testRedis.prefix}:*`)).filter((key) => !key.includes(':once:')).sort();
    const dump: Record<string, unknown> = {};
    for (const key of keys) {
      const type = await redis.type(key);
      if (type === 'hash') dump[key] = await redis.hgetall(key);
      else if (type === 'zset') dump[key] = await redis.zrange(key, 0, -1, 'WITHSCORES');
      else if (type === 'stream') dump[key] = await redis.xlen(key);
      else dump[key] = await redis.get(key);
    }
    return dump;
  }

  const field = async (key: string, name: string) => redis.hget(`${testRedis.prefix}:${key}`, name);

  function draftOf(requestId: string): UsageDraft {
    const draft = new UsageDraft(
      { requestId, endpoint: 'chat.completions', clientIp: undefined, body: { model: 'm' } },
      token,
      now,
    );
    draft.plan = plan;
    return draft;
  }

  const admit = (draft: UsageDraft, session: string | null, keys: typeof candidates = candidates) =>
    admission.admit(
      token,
      draft,
      { promptTokens: 10, completionCeiling: 90, estimatedTokens: 100 },
      keys,
      now,
      ['m'],
      session === null ? null : sticky.keyOf(token.id, session),
    );

  it('holds, counts and settles once, however often each script runs', async () => {
    const draft = draftOf('req-twice');
    const first = await admit(draft, null);
    expect(first.acquisition.index).toBe(0);
    expect(draft.hold).not.toBeNull();
    const admitted = await everything();
    // The first run did hold and count: the repeat has something to leave alone.
    // The allowance pays 1,000 of the 3,000: 2,000 of the 50,000 credited is held.
    expect(await field('funds:t-once', 'avail')).toBe('48000');
    expect(await field('tq:tok-once:3', 'held')).toBe('3000');
    expect(await field(`pp:t-once:${plan.periodStart.getTime()}`, 'hReq')).toBe('1');

    const hold = draft.hold;
    const again = await admit(draft, null);
    expect(again).toEqual(first);
    expect(draft.hold).toBe(hold);
    expect(await everything()).toEqual(admitted);

    // Served: 10 + 20 tokens for 1,500 nano-USD, 1,000 of them from the plan's allowance.
    draft.usage = { promptTokens: 10, completionTokens: 20, cachedTokens: 0, reasoningTokens: 0 };
    draft.servedModel = 'm';
    draft.status = 200;
    draft.channelId = 'first';
    draft.channelKeyId = 'k-first';
    draft.attempt = {
      keyId: 'k-first',
      limits: candidates[0]?.key,
      upstreamModel: 'm',
      countedAt: now,
      tokenWindow: first.tokenWindow,
      outcome: 'ok',
      estimatedTokens: 100,
      actualTokens: 30,
      now,
      streaks: first.acquisition.streaks,
    };
    draft.sticky = sticky.entry(token.id, 'conversation', 'k-first');
    jest.spyOn(draft, 'costNano').mockReturnValue(1_500n);
    await settlement.close(draft);
    const settled = await everything();
    // Nothing held any more, 500 charged: available is what the balance is.
    expect(await field('funds:t-once', 'debits')).toBe('500');
    expect(await field('funds:t-once', 'avail')).toBe('49500');
    expect(await field('tq:tok-once:3', 'used')).toBe('1500');
    expect(await field(`pp:t-once:${plan.periodStart.getTime()}`, 'cov')).toBe('1000');
    expect(await field(`pp:t-once:${plan.periodStart.getTime()}`, 'req')).toBe('1');
    expect(await redis.zcard(`${testRedis.prefix}:holds:due`)).toBe(0);
    expect(await redis.xlen(`${testRedis.prefix}:usage:events`)).toBe(1);

    await settlement.close(draft);
    expect(await everything()).toEqual(settled);
    // Nor was the event handed to the batching recorder instead; the outbox keeps it (both runs name
    // the same request id, which the worker stores once).
    expect(recorded).toHaveLength(0);
    expect(streamed).toEqual([
      expect.objectContaining({ requestId: 'req-twice' }),
      expect.objectContaining({ requestId: 'req-twice' }),
    ]);
    streamed.length = 0;
  });

  it('when Redis lost the hold and its marker, books nothing in the mirror and hands the event to the recorder', async () => {
    const draft = draftOf('req-lost');
    await admit(draft, null);
    // A restart without persistence took the hold and the marker (the mirrors were reloaded since).
    await redis.zrem(`${testRedis.prefix}:holds:due`, draft.hold as string);
    await redis.del(`${testRedis.prefix}:once:req-lost`);
    const before = await everything();
    draft.usage = { promptTokens: 10, completionTokens: 20, cachedTokens: 0, reasoningTokens: 0 };
    draft.status = 200;
    jest.spyOn(draft, 'costNano').mockReturnValue(1_500n);
    await settlement.close(draft);
    expect(await everything()).toEqual(before);
    expect(recorded).toEqual([expect.objectContaining({ requestId: 'req-lost', costNano: '1500' })]);
    expect(streamed).toHaveLength(0);
    recorded.length = 0;
  });

  it('a request refused after its hold was checked leaves the books as they were', async () => {
    await admit(draftOf('req-warm'), null); // the mirrors and windows exist from here on
    /** The money side: the tenant's funds, the token's quota, the plan period and the holds. */
    const books = async () =>
      Object.fromEntries(
        Object.entries(await everything()).filter(([key]) => /:(funds|tq|pp|holds):/.test(key)),
      );
    const minute = Math.floor(now / 60_000);
    const stats = (id: string) => `${testRedis.prefix}:key:${id}`;
    // Every key cooling: the hold's balance part, taken as it was checked, must go back.
    await redis.hset(stats('k-first'), 'cooldownUntil', String(now + 60_000));
    await redis.hset(stats('k-second'), 'cooldownUntil', String(now + 60_000));
    const before = await books();
    expect(Object.keys(before).some((key) => key.endsWith(':funds:t-once'))).toBe(true);
    const cooled = draftOf('req-cooled');
    const refused = await admit(cooled, null).finally(() =>
      redis
        .hdel(stats('k-first'), 'cooldownUntil')
        .then(() => redis.hdel(stats('k-second'), 'cooldownUntil')),
    );
    expect(refused.acquisition.index).toBe(-1);
    expect(cooled.hold).toBeNull();
    expect(await books()).toEqual(before);

    // The token's minute is full: refused after the hold was checked, so it goes back too.
    const window = `${testRedis.prefix}:rl:t:tok-once:m:${minute}`;
    const r = await redis.hget(window, 'r');
    expect(r).not.toBeNull();
    await redis.hset(window, 'r', '100');
    try {
      await expect(admit(draftOf('req-full'), null)).rejects.toThrow(/rpm limit/);
      expect(await books()).toEqual(before);
    } finally {
      await redis.hset(window, 'r', r as string);
    }
  });

  it("tries the session's remembered key first, and says so in the order it gives back", async () => {
    await redis.set(sticky.keyOf(token.id, 'chat'), 'k-second');
    const draft = draftOf('req-sticky');
    const minute = Math.floor(now / 60_000);
    const firstBefore = await field(`rl:k:k-first:m:${minute}`, 'r');
    const admitted = await admit(draft, 'chat');
    expect(admitted.candidates.map((c) => c.key.id)).toEqual(['k-second', 'k-first']);
    expect(admitted.acquisition.index).toBe(0);
    // The slot was taken on the session's key, not on the plan's first.
    expect(await field(`rl:k:k-second:m:${minute}`, 'r')).toBe('1');
    expect(await field(`rl:k:k-first:m:${minute}`, 'r')).toBe(firstBefore);

    // A session whose key is not a candidate keeps the plan's order.
    await redis.set(sticky.keyOf(token.id, 'elsewhere'), 'k-gone');
    const other = await admit(draftOf('req-elsewhere'), 'elsewhere');
    expect(other.candidates.map((c) => c.key.id)).toEqual(['k-first', 'k-second']);

    // A value that carries when it was written (StickySessions) names the same key, and comes back
    // read, for the relay to tell whether to write it again.
    await redis.set(sticky.keyOf(token.id, 'timed'), 'k-second@1700000000');
    const timed = await admit(draftOf('req-timed'), 'timed');
    expect(timed.candidates.map((c) => c.key.id)).toEqual(['k-second', 'k-first']);
    expect(timed.remembered).toEqual({ keyId: 'k-second', writtenAt: 1_700_000_000 });
    expect(other.remembered).toEqual({ keyId: 'k-gone', writtenAt: 0 });
  });

  describe('a pool larger than a window', () => {
    // One channel of 40 keys with a cap each (so each has a minute window to look at).
    const pool = Array.from({ length: 40 }, (_, i) => ({
      channel: channelCandidate('big'),
      key: keyCandidate(`big-${i + 1}`, { rpm: 1000 }),
      upstreamModel: 'm',
      model: 'm',
    }));
    const minute = Math.floor(now / 60_000);
    const stats = (id: string) => `${testRedis.prefix}:key:${id}`;
    const slots = async (id: string) => Number((await field(`rl:k:${id}:m:${minute}`, 'r')) ?? 0);
    const tokenSlots = async () => Number((await field(`rl:t:tok-once:m:${minute}`, 'r')) ?? 0);
    /**
     * The candidates each admission run sent, in order, and what each said of the keys after them
     * (ARGV 22: their ids, '*' for some unlisted, '' for none).
     */
    async function sentWindows<T>(
      run: () => Promise<T>,
    ): Promise<{ result: T; windows: number[]; later: string[] }> {
      const sendCommand = jest.spyOn(redis, 'sendCommand');
      try {
        const result = await run();
        // evalsha(sha, numberOfKeys, ...KEYS, packed ARGV): 7 KEYS of its own, then 5 per candidate.
        const runs = sendCommand.mock.calls
          .map(([command]) => command)
          .filter((command) => command.name === 'evalsha');
        const windows = runs.map((command) => (Number(command.args[1]) - 7) / 5);
        const later = runs.map((command) => {
          const argv = JSON.parse(String(command.args[command.args.length - 1])) as string[];
          return argv[21] as string;
        });
        return { result, windows, later };
      } finally {
        sendCommand.mockRestore();
      }
    }
    const admitPool = (draft: UsageDraft, session: string | null) => admit(draft, session, pool);

    it('sends the first window only, when one of its keys can be taken', async () => {
      const draft = draftOf('req-big');
      const { result, windows } = await sentWindows(() => admitPool(draft, null));
      expect(windows).toEqual([16]);
      expect(result.acquisition.index).toBe(0);
      expect(result.candidates.map((c) => c.key.id)).toEqual(pool.map((c) => c.key.id));
      expect(await slots('big-1')).toBe(1);
      expect(draft.hold).not.toBeNull();
    });

    it('asks again with the next, larger window when none of a window could be taken, and holds and counts once', async () => {
      await admitPool(draftOf('req-big-warm'), null);
      for (const c of pool.slice(0, 20))
        await redis.hset(stats(c.key.id), 'cooldownUntil', String(now + 60_000));
      const avail = Number(await field('funds:t-once', 'avail'));
      const tokenBefore = await tokenSlots();
      const draft = draftOf('req-big-cooled');
      try {
        const { result, windows } = await sentWindows(() => admitPool(draft, null));
        expect(windows).toEqual([16, 24]);
        expect(result.acquisition).toMatchObject({ index: 20, cooling: 20, soonestRecovery: now + 60_000 });
        expect(result.candidates[20]?.key.id).toBe('big-21');
        expect(await slots('big-21')).toBe(1);
        // One hold (2,000 of its 3,000 from the balance, the rest from the allowance while it lasts)
        // and one count in the token's minute, whatever the number of runs.
        expect(draft.hold).not.toBeNull();
        expect(avail - Number(await field('funds:t-once', 'avail'))).toBeLessThanOrEqual(3_000);
        expect(await redis.zscore(`${testRedis.prefix}:holds:due`, draft.hold as string)).not.toBeNull();
        expect(await tokenSlots()).toBe(tokenBefore + 1);

        // Every key cooling: nothing is held or counted, and the counts are the whole pool's.
        for (const c of pool.slice(20))
          await redis.hset(stats(c.key.id), 'cooldownUntil', String(now + 60_000));
        const holds = await redis.zrange(`${testRedis.prefix}:holds:due`, 0, -1);
        const none = draftOf('req-big-none');
        const all = await sentWindows(() => admitPool(none, null));
        expect(all.windows).toEqual([16, 24]);
        expect(all.result.acquisition).toMatchObject({ index: -1, cooling: 40 });
        expect(none.hold).toBeNull();
        expect(await redis.zrange(`${testRedis.prefix}:holds:due`, 0, -1)).toEqual(holds);
        // Counted once in the token's minute, as a pool of one window is (the relay gives it back
        // when no key answered), not once per window.
        expect(await tokenSlots()).toBe(tokenBefore + 2);
      } finally {
        for (const c of pool) await redis.hdel(stats(c.key.id), 'cooldownUntil');
      }
    });

    it("takes the session's key first though it is beyond the first window", async () => {
      await redis.set(sticky.keyOf(token.id, 'far'), 'big-30');
      const before = { first: await slots('big-1'), far: await slots('big-30') };
      const { result, windows } = await sentWindows(() => admitPool(draftOf('req-far'), 'far'));
      // Told the key is later in the plan, asked again with it first; then this process knows it.
      expect(windows).toEqual([16, 16]);
      expect(result.candidates[0]?.key.id).toBe('big-30');
      expect(result.acquisition.index).toBe(0);
      expect(result.remembered?.keyId).toBe('big-30');
      expect(await slots('big-30')).toBe(before.far + 1);
      expect(await slots('big-1')).toBe(before.first);
      const again = await sentWindows(() => admitPool(draftOf('req-far-2'), 'far'));
      expect(again.windows).toEqual([16]);
      expect(again.result.candidates[0]?.key.id).toBe('big-30');

      // Another process moved the session to a key beyond the window: still taken first.
      await redis.set(sticky.keyOf(token.id, 'far'), 'big-35@1700000000');
      const moved = await sentWindows(() => admitPool(draftOf('req-far-3'), 'far'));
      expect(moved.windows).toEqual([16, 16]);
      expect(moved.result.candidates[0]?.key.id).toBe('big-35');
      expect(moved.result.acquisition.index).toBe(0);

      // A remembered key that is not in the pool at all costs no second run.
      await redis.set(sticky.keyOf(token.id, 'gone'), 'k-gone');
      const gone = await sentWindows(() => admitPool(draftOf('req-gone'), 'gone'));
      expect(gone.windows).toEqual([16]);
      expect(gone.result.candidates.map((c) => c.key.id)).toEqual(pool.map((c) => c.key.id));
    });

    it('lists the later keys only for a session whose key this process does not know', async () => {
      const laterIds = `,${pool
        .slice(16)
        .map((c) => c.key.id)
        .join(',')},`;
      // No session: that some keys come later is all the script needs.
      const plain = await sentWindows(() => admitPool(draftOf('req-plain'), null));
      expect(plain.later).toEqual(['*']);
      // A session met for the first time here: listed, so that its key is found among them.
      await redis.set(sticky.keyOf(token.id, 'hop'), 'big-5');
      const first = await sentWindows(() => admitPool(draftOf('req-hop'), 'hop'));
      expect(first.later).toEqual([laterIds]);
      expect(first.result.candidates[first.result.acquisition.index]?.key.id).toBe('big-5');
      // Its key leads the plan from then on: not listed.
      const next = await sentWindows(() => admitPool(draftOf('req-hop-2'), 'hop'));
      expect(next.later).toEqual(['*']);
      expect(next.result.candidates[0]?.key.id).toBe('big-5');
      // Another process served the session on a key of another pool: the script, told only that
      // keys come later, says the session's key may be among them; it is not, so the window is sent
      // again with them listed, and a key of the plan is taken, the one this process knew first.
      await redis.set(sticky.keyOf(token.id, 'hop'), 'k-elsewhere@1700000000');
      const moved = await sentWindows(() => admitPool(draftOf('req-hop-3'), 'hop'));
      expect(moved.windows).toEqual([16, 16]);
      expect(moved.later).toEqual(['*', laterIds]);
      expect(moved.result.remembered?.keyId).toBe('k-elsewhere');
      expect(moved.result.acquisition.index).toBe(0);
      expect(moved.result.candidates[0]?.key.id).toBe('big-5');
    });
  });
});
