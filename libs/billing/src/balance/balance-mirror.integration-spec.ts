// The balance mirror's Lua on the real Redis: holds across two connections, settlement, credits in
// order exactly once, and exact sums past 2^53 nano-USD (where Lua's doubles would round).
import { loadConfig } from '@gateway/config';
import { createTestRedis, type TestRedis } from '@gateway/testing';
import type { TokensService } from '@gateway/tokens';
import Redis from 'ioredis';
import type { Repository } from 'typeorm';
import type { PlanPeriodUsage } from '../entities/plan-period-usage.entity';
import type { TenantBalance } from '../entities/tenant-balance.entity';
import type { CurrentPlan } from '../subscriptions/current-plan';
import { BalanceMirror, type HoldOutcome } from './balance-mirror';
import { HoldReaper } from './hold-reaper';

describe('BalanceMirror (real Redis)', () => {
  let testRedis: TestRedis;
  let clients: Redis[];
  const rows = new Map<string, Partial<TenantBalance>>();
  const periodRows = new Map<string, Partial<PlanPeriodUsage>>();
  /** Each token's used quota as PostgreSQL has it (0 when not set). */
  const usedRows = new Map<string, bigint>();

  beforeAll(() => {
    testRedis = createTestRedis('balance_mirror');
    clients = [new Redis(testRedis.url), new Redis(testRedis.url)];
  });

  afterAll(async () => {
    for (const client of clients) client.disconnect();
    await testRedis.cleanup();
  });

  /** A mirror as one API process has it; PostgreSQL is replaced by the rows above. */
  function mirror(client: Redis): BalanceMirror {
    const config = loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: 'postgres://unused@127.0.0.1:5432/unused',
      REDIS_PREFIX: testRedis.prefix,
    });
    const balances = {
      findOne: async ({ where }: { where: { tenantId: string } }) => rows.get(where.tenantId) ?? null,
    } as unknown as Repository<TenantBalance>;
    const periods = {
      findOne: async ({ where }: { where: { tenantId: string } }) => periodRows.get(where.tenantId) ?? null,
    } as unknown as Repository<PlanPeriodUsage>;
    const tokens = {
      usedNano: async (tokenId: string) => usedRows.get(tokenId) ?? 0n,
    } as unknown as TokensService;
    return new BalanceMirror(client, config, balances, periods, tokens);
  }

  /** The holds placed, by request id: their settlement names them. */
  const placed = new Map<string, string>();
  const verdictOf = async (outcome: Promise<HoldOutcome>, requestId: string) => {
    const { verdict, hold } = await outcome;
    if (hold !== null) placed.set(requestId, hold);
    return verdict;
  };
  const hold = (m: BalanceMirror, tenantId: string, requestId: string, amountNano: bigint) =>
    verdictOf(
      m.hold({
        requestId,
        tenantId,
        tokenId: `tok-${tenantId}`,
        amountNano,
        tokenQuotaNano: null,
        plan: null,
        inputTokens: 10,
        outputTokens: 10,
      }),
      requestId,
    );
  const settle = (m: BalanceMirror, tenantId: string, requestId: string, costNano: bigint) =>
    m.settle({
      tenantId,
      tokenId: `tok-${tenantId}`,
      requestId,
      hold: placed.get(requestId) ?? null,
      costNano,
      plan: null,
      counted: true,
      inputTokens: 10,
      outputTokens: 5,
    });

  it('never lets concurrent holds over two processes exceed the balance', async () => {
    rows.set('t-race', { creditsNano: 1000n, debitsNano: 0n, creditSeq: 1n });
    const [a, b] = [mirror(clients[0] as Redis), mirror(clients[1] as Redis)];
    const verdicts = await Promise.all(
      Array.from({ length: 30 }, (_, i) => hold(i % 2 ? a : b, 't-race', `r${i}`, 100n)),
    );
    expect(verdicts.filter((v) => v === 'held')).toHaveLength(10);
    expect(verdicts.filter((v) => v === 'balance')).toHaveLength(20);
    // Settling below the hold frees the difference for the next request.
    const settled = `r${verdicts.indexOf('held')}`;
    await settle(a, 't-race', settled, 40n);
    expect(await b.snapshot('t-race')).toMatchObject({ balance: 960n, held: 900n, debits: 40n });
    expect(await hold(b, 't-race', 'r-next', 60n)).toBe('held');
    expect(await hold(b, 't-race', 'r-more', 1n)).toBe('balance');
  });

  it('a settlement after Redis lost every key leaves no partial mirror, and the next hold rebuilds it from PostgreSQL', async () => {
    rows.set('t-lost', { creditsNano: 1000n, debitsNano: 0n, creditSeq: 1n });
    const m = mirror(clients[0] as Redis);
    expect(await hold(m, 't-lost', 'lost-1', 100n)).toBe('held');
    // A restart without persistence: the mirror and the hold are gone, the request settles anyway.
    await (clients[0] as Redis).del(
      `${testRedis.prefix}:bal:t-lost`,
      `${testRedis.prefix}:tq:tok-t-lost`,
      `${testRedis.prefix}:once:lost-1`,
    );
    expect(
      await (clients[0] as Redis).zrem(`${testRedis.prefix}:holds:exp`, placed.get('lost-1') as string),
    ).toBe(1);
    await settle(m, 't-lost', 'lost-1', 40n);
    expect(await (clients[0] as Redis).exists(`${testRedis.prefix}:bal:t-lost`)).toBe(0);
    // PostgreSQL has the debit by now (the worker stored the record): the hold loads it.
    rows.set('t-lost', { creditsNano: 1000n, debitsNano: 40n, creditSeq: 1n });
    expect(await hold(m, 't-lost', 'lost-2', 960n)).toBe('held');
    expect(await m.snapshot('t-lost')).toMatchObject({ balance: 960n, held: 960n });
  });

  it('does not read the mirror of a token without a quota, and takes a partial one for not loaded', async () => {
    rows.set('t-free', { creditsNano: 1000n, debitsNano: 0n, creditSeq: 1n });
    const m = mirror(clients[0] as Redis);
    const tq = `${testRedis.prefix}:tq:tok-t-free`;
    expect(await hold(m, 't-free', 'free-1', 100n)).toBe('held');
    // Lost on its own (evicted, or its token is new to a tenant already loaded): no hold notices.
    await (clients[0] as Redis).del(tq);
    expect(await hold(m, 't-free', 'free-2', 100n)).toBe('held');
    expect(await (clients[0] as Redis).exists(tq)).toBe(0);
    await settle(m, 't-free', 'free-1', 40n);
    await settle(m, 't-free', 'free-2', 30n);
    // The settlements counted from nothing: 70 is not what the token used.
    expect(await (clients[0] as Redis).hgetall(tq)).toEqual({ used: '70' });
    usedRows.set('tok-t-free', 570n);
    expect((await m.live('t-free', 'tok-t-free')).tokenUsedNano).toBe(570n);
    expect(await (clients[0] as Redis).hgetall(tq)).toEqual({ used: '570', held: '0' });
    // A quota set later reads the mirror, loaded now, and holds against it.
    const capped = (requestId: string, amountNano: bigint) =>
      verdictOf(
        m.hold({
          requestId,
          tenantId: 't-free',
          tokenId: 'tok-t-free',
          amountNano,
          tokenQuotaNano: 600n,
          plan: null,
          inputTokens: 10,
          outputTokens: 10,
        }),
        requestId,
      );
    expect(await capped('free-3', 31n)).toBe('quota');
    expect(await capped('free-4', 30n)).toBe('held');
  });

  it('rebuilds a partial mirror (a hash without its balance fields) instead of failing the hold', async () => {
    rows.set('t-partial', { creditsNano: 500n, debitsNano: 0n, creditSeq: 1n });
    const m = mirror(clients[0] as Redis);
    await (clients[0] as Redis).hset(`${testRedis.prefix}:bal:t-partial`, 'debits', '7');
    expect(await hold(m, 't-partial', 'partial-1', 500n)).toBe('held');
    expect(await m.snapshot('t-partial')).toMatchObject({ balance: 500n, held: 500n });
  });

  it('applies credit lines once and in order, and resyncs from PostgreSQL on a gap', async () => {
    rows.set('t-credit', { creditsNano: 0n, debitsNano: 0n, creditSeq: 0n });
    const m = mirror(clients[0] as Redis);
    expect(await hold(m, 't-credit', 'c0', 1n)).toBe('balance');
    await m.applyCredit('t-credit', 1n, 500n);
    await m.applyCredit('t-credit', 1n, 500n); // redelivered: ignored
    expect(await m.snapshot('t-credit')).toMatchObject({ credits: 500n, balance: 500n, creditSeq: 1n });
    // Line 3 arrives before line 2: the mirror takes PostgreSQL's sums instead.
    rows.set('t-credit', { creditsNano: 800n, debitsNano: 0n, creditSeq: 3n });
    await m.applyCredit('t-credit', 3n, 200n);
    expect(await m.snapshot('t-credit')).toMatchObject({ credits: 800n, balance: 800n, creditSeq: 3n });
  });

  it('keeps the sums exact past 2^53 nano-USD, where a double would round', async () => {
    const big = 2n ** 53n + 1n; // 9,007,199.254740993 USD
    rows.set('t-big', { creditsNano: big, debitsNano: 0n, creditSeq: 1n });
    const m = mirror(clients[0] as Redis);
    expect(await hold(m, 't-big', 'b1', 3n)).toBe('held');
    await settle(m, 't-big', 'b1', 3n);
    await m.applyCredit('t-big', 2n, 7n);
    expect(await m.snapshot('t-big')).toMatchObject({
      credits: big + 7n,
      debits: 3n,
      balance: big + 7n - 3n,
      held: 0n,
    });
  });

  it('on a plan, holds the allowance first and releases every part of a hold the reaper takes back', async () => {
    rows.set('t-plan', { creditsNano: 100n, debitsNano: 0n, creditSeq: 1n });
    const periodStart = new Date('2026-11-01T00:00:00Z');
    periodRows.set('t-plan', {
      requests: 1n,
      inputTokens: 10n,
      outputTokens: 10n,
      spendNano: 50n,
      coveredNano: 50n,
    });
    const plan = {
      plan: {
        limitRequests: 4n,
        limitInputTokens: null,
        limitOutputTokens: null,
        limitSpendNano: null,
        includedNano: 80n,
      },
      periodStart,
      periodEnd: new Date('2026-12-01T00:00:00Z'),
    } as unknown as CurrentPlan;
    const m = mirror(clients[0] as Redis);
    const onPlan = (requestId: string, amountNano: bigint) =>
      verdictOf(
        m.hold({
          requestId,
          tenantId: 't-plan',
          tokenId: 'tok-t-plan',
          amountNano,
          tokenQuotaNano: null,
          plan,
          inputTokens: 3,
          outputTokens: 7,
        }),
        requestId,
      );
    // 30 of the allowance is left: a hold of 100 takes 30 from it and 70 from the balance.
    expect(await onPlan('p1', 100n)).toBe('held');
    expect(await m.snapshot('t-plan')).toMatchObject({ balance: 100n, held: 70n });
    expect(await m.planPeriod('t-plan', plan)).toMatchObject({ req: 1n, hReq: 1n, hSpend: 100n, hCov: 30n });
    // Settling at 40: the allowance covers 30, the balance pays 10.
    const covered = await m.settle({
      tenantId: 't-plan',
      tokenId: 'tok-t-plan',
      requestId: 'p1',
      hold: placed.get('p1') ?? null,
      costNano: 40n,
      plan,
      counted: true,
      inputTokens: 3,
      outputTokens: 5,
    });
    expect(covered).toBe(30n);
    expect(await m.snapshot('t-plan')).toMatchObject({ balance: 90n, held: 0n, debits: 10n });
    expect(await m.planPeriod('t-plan', plan)).toMatchObject({
      req: 2n,
      spend: 90n,
      cov: 80n,
      hReq: 0n,
      hCov: 0n,
    });
    // Two more requests fit the limit of 4; the third does not.
    expect(await onPlan('p2', 10n)).toBe('held');
    expect(await onPlan('p3', 10n)).toBe('held');
    expect(await onPlan('p4', 10n)).toBe('plan_requests');
    // Their process died: the reaper gives back the balance, the token and the plan period parts.
    const config = loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: 'postgres://unused@127.0.0.1:5432/unused',
      REDIS_PREFIX: testRedis.prefix,
    });
    expect(
      await new HoldReaper(clients[1] as Redis, config).reap(Date.now() + config.BILLING_HOLD_TTL_MS + 1),
    ).toBeGreaterThanOrEqual(2); // with the other tests' holds left open
    expect(await m.snapshot('t-plan')).toMatchObject({ balance: 90n, held: 0n });
    expect(await m.planPeriod('t-plan', plan)).toMatchObject({ req: 2n, hReq: 0n, hSpend: 0n, hCov: 0n });
    expect(await onPlan('p5', 10n)).toBe('held');
  });
  it('books a request whose hold the reaper released once, and a settlement run twice once', async () => {
    rows.set('t-reaped', { creditsNano: 1000n, debitsNano: 0n, creditSeq: 1n });
    const m = mirror(clients[0] as Redis);
    expect(await hold(m, 't-reaped', 'slow-1', 100n)).toBe('held');
    expect(await hold(m, 't-reaped', 'twice-1', 100n)).toBe('held');
    // Asked again for the same request (a re-sent script), the hold is not placed twice.
    expect(await hold(m, 't-reaped', 'twice-1', 100n)).toBe('held');
    expect(await m.snapshot('t-reaped')).toMatchObject({ balance: 1000n, held: 200n });
    const config = loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: 'postgres://unused@127.0.0.1:5432/unused',
      REDIS_PREFIX: testRedis.prefix,
    });
    await settle(m, 't-reaped', 'twice-1', 30n);
    expect(await settle(m, 't-reaped', 'twice-1', 30n)).toBeNull();
    expect(await m.snapshot('t-reaped')).toMatchObject({ balance: 970n, held: 100n, debits: 30n });
    // The slow request outlives its hold: the reaper gives the hold back, the request still pays.
    await new HoldReaper(clients[1] as Redis, config).reap(Date.now() + config.BILLING_HOLD_TTL_MS + 1);
    expect(await m.snapshot('t-reaped')).toMatchObject({ balance: 970n, held: 0n });
    expect(await settle(m, 't-reaped', 'slow-1', 40n)).toBe(0n);
    expect(await settle(m, 't-reaped', 'slow-1', 40n)).toBeNull();
    expect(await m.snapshot('t-reaped')).toMatchObject({ balance: 930n, held: 0n, debits: 70n });
  });
  it('reaps a hold stored the way an earlier version did (its text in the holds hash)', async () => {
    rows.set('t-legacy', { creditsNano: 1000n, debitsNano: 0n, creditSeq: 1n });
    const m = mirror(clients[0] as Redis);
    const redis = clients[0] as Redis;
    const prefix = testRedis.prefix;
    expect(await hold(m, 't-legacy', 'load-legacy', 0n)).toBe('held'); // loads the mirrors
    await redis.hincrby(`${prefix}:bal:t-legacy`, 'held', 50);
    await redis.hincrby(`${prefix}:tq:tok-t-legacy`, 'held', 50);
    await redis.hset(`${prefix}:holds`, 'old-1', '50|t-legacy|tok-t-legacy');
    await redis.zadd(`${prefix}:holds:exp`, 1, 'old-1');
    const config = loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: 'postgres://unused@127.0.0.1:5432/unused',
      REDIS_PREFIX: prefix,
    });
    await new HoldReaper(redis, config).reap(Date.now());
    expect(await m.snapshot('t-legacy')).toMatchObject({ balance: 1000n, held: 0n });
    expect(await redis.hget(`${prefix}:tq:tok-t-legacy`, 'held')).toBe('0');
    expect(await redis.hexists(`${prefix}:holds`, 'old-1')).toBe(0);
    expect(await redis.zscore(`${prefix}:holds:exp`, 'old-1')).toBeNull();
  });
});
