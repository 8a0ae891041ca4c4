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
        tokenQuotaEpoch: 0,
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
      tokenQuotaNano: null,
      tokenQuotaEpoch: 0,
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
      `${testRedis.prefix}:funds:t-lost`,
      `${testRedis.prefix}:tq:tok-t-lost`,
      `${testRedis.prefix}:once:lost-1`,
    );
    expect(
      await (clients[0] as Redis).zrem(`${testRedis.prefix}:holds:due`, placed.get('lost-1') as string),
    ).toBe(1);
    await settle(m, 't-lost', 'lost-1', 40n);
    expect(await (clients[0] as Redis).exists(`${testRedis.prefix}:funds:t-lost`)).toBe(0);
    // PostgreSQL has the debit by now (the worker stored the record): the hold loads it.
    rows.set('t-lost', { creditsNano: 1000n, debitsNano: 40n, creditSeq: 1n });
    expect(await hold(m, 't-lost', 'lost-2', 960n)).toBe('held');
    expect(await m.snapshot('t-lost')).toMatchObject({ balance: 960n, held: 960n });
  });

  it('keeps no mirror of a token without a quota, and loads one afresh each time a quota is set again', async () => {
    rows.set('t-free', { creditsNano: 1000n, debitsNano: 0n, creditSeq: 1n });
    const m = mirror(clients[0] as Redis);
    const redis = clients[0] as Redis;
    const mirrors = () => redis.keys(`${testRedis.prefix}:tq:tok-t-free*`);
    expect(await hold(m, 't-free', 'free-1', 100n)).toBe('held');
    expect(await hold(m, 't-free', 'free-2', 100n)).toBe('held');
    await settle(m, 't-free', 'free-1', 40n);
    await settle(m, 't-free', 'free-2', 30n);
    // Neither the holds nor the settlements counted the token anywhere in Redis.
    expect(await mirrors()).toEqual([]);
    // Its spend is PostgreSQL's (the worker stored 570 so far).
    usedRows.set('tok-t-free', 570n);
    const free = { id: 'tok-t-free', quotaNano: null, quotaEpoch: 0 };
    expect((await m.live('t-free', free)).tokenUsedNano).toBe(570n);
    expect(await mirrors()).toEqual([]);

    // A quota is set (the epoch moves on): the first hold loads the mirror from PostgreSQL.
    const under = (quotaNano: bigint, quotaEpoch: number) => (requestId: string, amountNano: bigint) =>
      verdictOf(
        m.hold({
          requestId,
          tenantId: 't-free',
          tokenId: 'tok-t-free',
          amountNano,
          tokenQuotaNano: quotaNano,
          tokenQuotaEpoch: quotaEpoch,
          plan: null,
          inputTokens: 10,
          outputTokens: 10,
        }),
        requestId,
      );
    const capped = under(600n, 1);
    const before = await m.snapshot('t-free');
    expect(await capped('free-3', 31n)).toBe('quota');
    // The balance's part, taken as it was checked, went back when the quota refused the hold.
    expect(await m.snapshot('t-free')).toEqual(before);
    expect(await capped('free-4', 30n)).toBe('held');
    await m.settle({
      tenantId: 't-free',
      tokenId: 'tok-t-free',
      tokenQuotaNano: 600n,
      tokenQuotaEpoch: 1,
      requestId: 'free-4',
      hold: placed.get('free-4') ?? null,
      costNano: 30n,
      plan: null,
      counted: true,
      inputTokens: 10,
      outputTokens: 5,
    });
    expect((await m.live('t-free', { id: 'tok-t-free', quotaNano: 600n, quotaEpoch: 1 })).tokenUsedNano).toBe(
      600n,
    );
    // The quota is taken off, 300 more is spent (stored by the worker), and a quota set again: the
    // mirror of epoch 1 missed the 300, so epoch 2's is loaded from PostgreSQL and knows them.
    expect(await hold(m, 't-free', 'free-5', 300n)).toBe('held');
    await settle(m, 't-free', 'free-5', 300n);
    usedRows.set('tok-t-free', 900n);
    const again = under(1000n, 2);
    expect(await again('free-6', 101n)).toBe('quota');
    expect(await again('free-7', 100n)).toBe('held');
    expect((await mirrors()).sort()).toEqual([
      `${testRedis.prefix}:tq:tok-t-free:1`,
      `${testRedis.prefix}:tq:tok-t-free:2`,
    ]);
  });

  it('rebuilds a partial mirror (a hash without its credits) instead of failing the hold', async () => {
    rows.set('t-partial', { creditsNano: 500n, debitsNano: 0n, creditSeq: 1n });
    const m = mirror(clients[0] as Redis);
    // What a settlement leaves in a hash Redis lost: no credits, so not loaded.
    await (clients[0] as Redis).hset(`${testRedis.prefix}:funds:t-partial`, 'debits', '7', 'avail', '-7');
    expect(await m.snapshot('t-partial')).toBeNull();
    expect(await hold(m, 't-partial', 'partial-1', 500n)).toBe('held');
    expect(await m.snapshot('t-partial')).toMatchObject({ balance: 500n, held: 500n, debits: 0n });
    expect(await hold(m, 't-partial', 'partial-2', 1n)).toBe('balance');
  });

  it('takes a hold out of what is available at 0 exactly, and refuses the next without changing it', async () => {
    rows.set('t-zero', { creditsNano: 300n, debitsNano: 0n, creditSeq: 1n });
    const m = mirror(clients[0] as Redis);
    expect(await hold(m, 't-zero', 'zero-1', 300n)).toBe('held');
    expect(await m.snapshot('t-zero')).toMatchObject({ balance: 300n, held: 300n });
    // Nothing left: the check's HINCRBY answers exactly minus the hold, on a loaded mirror.
    expect(await hold(m, 't-zero', 'zero-2', 1n)).toBe('balance');
    expect(await m.snapshot('t-zero')).toMatchObject({ balance: 300n, held: 300n });
    await settle(m, 't-zero', 'zero-1', 300n);
    expect(await m.snapshot('t-zero')).toMatchObject({ balance: 0n, held: 0n, debits: 300n });
    expect(await hold(m, 't-zero', 'zero-3', 1n)).toBe('balance');
    expect(await m.snapshot('t-zero')).toMatchObject({ balance: 0n, held: 0n });
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
      // After the wall clock: the mirror keeps a period's counters until a week after its end, by the
      // wall clock (a fixed end in the past made them expire as they were loaded).
      periodEnd: new Date(Date.now() + 30 * 86_400_000),
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
          tokenQuotaEpoch: 0,
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
      tokenQuotaNano: null,
      tokenQuotaEpoch: 0,
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
  it('reaps the holds of the layout before funds onto that layout, for processes not upgraded yet', async () => {
    const redis = clients[0] as Redis;
    const prefix = testRedis.prefix;
    // As an earlier version left them: its tenant mirror, a hold in the member and one in the hash.
    await redis.hset(
      `${prefix}:bal:t-legacy`,
      'credits',
      '1000',
      'debits',
      '0',
      'balance',
      '1000',
      'held',
      '80',
    );
    await redis.hset(`${prefix}:tq:tok-t-legacy`, 'used', '0', 'held', '50');
    await redis.hset(`${prefix}:holds`, 'old-1', '50|t-legacy|tok-t-legacy');
    await redis.zadd(`${prefix}:holds:exp`, 1, 'old-1', 2, 'old-2|30|t-legacy||30|1|1|0|');
    const config = loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: 'postgres://unused@127.0.0.1:5432/unused',
      REDIS_PREFIX: prefix,
    });
    expect(await new HoldReaper(redis, config).reap(Date.now())).toBe(2);
    expect(await redis.hmget(`${prefix}:bal:t-legacy`, 'balance', 'held')).toEqual(['1000', '0']);
    expect(await redis.hget(`${prefix}:tq:tok-t-legacy`, 'held')).toBe('0');
    expect(await redis.hexists(`${prefix}:holds`, 'old-1')).toBe(0);
    expect(await redis.zcard(`${prefix}:holds:exp`)).toBe(0);
    // Nothing of it reaches the current mirror.
    expect(await redis.exists(`${prefix}:funds:t-legacy`)).toBe(0);
    expect(await redis.get(`${prefix}:once:old-2`)).toBe('reaped');
  });
});
