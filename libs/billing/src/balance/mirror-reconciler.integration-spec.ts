// The mirror's reconciliation with the ledger on the real Redis: debits a rebuilt mirror missed are
// added (and taken from its balance), debits in flight are never taken for missed ones, exactly.
import { loadConfig } from '@gateway/config';
import { createTestRedis, type TestRedis } from '@gateway/testing';
import type { TokensService } from '@gateway/tokens';
import Redis from 'ioredis';
import type { DataSource, Repository } from 'typeorm';
import type { PlanPeriodUsage } from '../entities/plan-period-usage.entity';
import type { TenantBalance } from '../entities/tenant-balance.entity';
import type { CurrentPlan } from '../subscriptions/current-plan';
import { BalanceMirror } from './balance-mirror';
import { MirrorReconciler } from './mirror-reconciler';

describe('MirrorReconciler (real Redis)', () => {
  let testRedis: TestRedis;
  let client: Redis;
  let mirror: BalanceMirror;
  let reconciler: MirrorReconciler;
  /** PostgreSQL's side, as the worker leaves it: tenant_balances and the tokens' used quota. */
  const rows = new Map<string, Partial<TenantBalance>>();
  const used = new Map<string, bigint>();
  /** plan_period_usage, by tenant (one period each here). */
  const periodRows = new Map<string, Partial<PlanPeriodUsage>>();

  beforeAll(() => {
    testRedis = createTestRedis('mirror_reconciler');
    client = new Redis(testRedis.url);
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
    const tokens = { usedNano: async (id: string) => used.get(id) ?? 0n } as unknown as TokensService;
    mirror = new BalanceMirror(client, config, balances, periods, tokens);
    reconciler = new MirrorReconciler(client, config, {} as DataSource);
  });

  afterAll(async () => {
    client.disconnect();
    await testRedis.cleanup();
  });

  /** Every token here has this quota (epoch 0): only a token with one has a mirror of its spend. */
  const QUOTA = 1_000_000n;
  const ledger = (tenantId: string) => ({
    debits: new Map([[tenantId, rows.get(tenantId)?.debitsNano ?? 0n]]),
    used: new Map([[`tok-${tenantId}`, used.get(`tok-${tenantId}`) ?? 0n]]),
    quotas: new Map([[`tok-${tenantId}`, 0]]),
  });
  /** The worker stored a request: its debit and the token's spend reach PostgreSQL. */
  const store = (tenantId: string, nano: bigint) => {
    const row = rows.get(tenantId) as Partial<TenantBalance>;
    rows.set(tenantId, { ...row, debitsNano: (row.debitsNano ?? 0n) + nano });
    used.set(`tok-${tenantId}`, (used.get(`tok-${tenantId}`) ?? 0n) + nano);
  };
  /** The holds placed, by request id: a settlement names its hold. */
  const placed = new Map<string, string | null>();
  const hold = async (tenantId: string, requestId: string, amountNano: bigint) => {
    const outcome = await mirror.hold({
      requestId,
      tenantId,
      tokenId: `tok-${tenantId}`,
      amountNano,
      tokenQuotaNano: QUOTA,
      tokenQuotaEpoch: 0,
      plan: null,
      inputTokens: 1,
      outputTokens: 1,
    });
    placed.set(requestId, outcome.hold);
    return outcome.verdict;
  };
  const settle = (tenantId: string, requestId: string, costNano: bigint) =>
    mirror.settle({
      tenantId,
      tokenId: `tok-${tenantId}`,
      tokenQuotaNano: QUOTA,
      tokenQuotaEpoch: 0,
      requestId,
      hold: placed.get(requestId) ?? null,
      costNano,
      plan: null,
      counted: true,
      inputTokens: 1,
      outputTokens: 1,
    });
  const tokenUsed = async (tenantId: string) =>
    BigInt((await client.hget(`${testRedis.prefix}:tq:tok-${tenantId}:0`, 'used')) ?? '-1');

  it('adds what a rebuilt mirror missed: settled before Redis lost it, stored after the rebuild', async () => {
    rows.set('t-missed', { creditsNano: 1000n, debitsNano: 0n, creditSeq: 1n });
    expect(await hold('t-missed', 'm-1', 100n)).toBe('held');
    await settle('t-missed', 'm-1', 40n);
    // Redis restarted without persistence before the worker stored m-1; the next hold rebuilds the
    // mirror from PostgreSQL, which does not have m-1 yet.
    await client.del(`${testRedis.prefix}:funds:t-missed`, `${testRedis.prefix}:tq:tok-t-missed:0`);
    expect(await hold('t-missed', 'm-2', 100n)).toBe('held');
    expect(await mirror.snapshot('t-missed')).toMatchObject({ debits: 0n, balance: 1000n });
    // The api sent the event again; the worker stored it.
    store('t-missed', 40n);

    const report = await reconciler.reconcile(ledger('t-missed'));
    expect(report.corrections).toEqual([
      { kind: 'tenant', id: 't-missed', field: 'debits', added: '40' },
      { kind: 'token', id: 'tok-t-missed', field: 'used', added: '40' },
    ]);
    expect(await mirror.snapshot('t-missed')).toMatchObject({ debits: 40n, balance: 960n, held: 100n });
    expect(await tokenUsed('t-missed')).toBe(40n);
    // Done once: a second run finds nothing to move.
    expect((await reconciler.reconcile(ledger('t-missed'))).corrections).toEqual([]);
  });

  it('never takes debits in flight (settled, not stored yet) for missed ones, and ends equal to the ledger', async () => {
    rows.set('t-flight', { creditsNano: 1000n, debitsNano: 0n, creditSeq: 1n });
    expect(await hold('t-flight', 'f-0', 10n)).toBe('held');
    await settle('t-flight', 'f-0', 0n);
    // 40 the mirror missed (stored, never settled here), and 30 settled here, not stored yet.
    store('t-flight', 40n);
    expect(await hold('t-flight', 'f-1', 100n)).toBe('held');
    await settle('t-flight', 'f-1', 30n);

    const during = await reconciler.reconcile(ledger('t-flight'));
    // The ledger's 40 against the mirror's 30: only 10 is certainly missed while 30 is in flight.
    expect(during.corrections).toContainEqual({
      kind: 'tenant',
      id: 't-flight',
      field: 'debits',
      added: '10',
    });
    expect(await mirror.snapshot('t-flight')).toMatchObject({ debits: 40n, balance: 960n });

    store('t-flight', 30n);
    await reconciler.reconcile(ledger('t-flight'));
    expect(await mirror.snapshot('t-flight')).toMatchObject({ debits: 70n, balance: 930n, held: 0n });
    expect(await tokenUsed('t-flight')).toBe(70n);
  });

  it('leaves a mirror above the ledger alone and reports the difference as in flight', async () => {
    rows.set('t-ahead', { creditsNano: 1000n, debitsNano: 0n, creditSeq: 1n });
    expect(await hold('t-ahead', 'a-1', 100n)).toBe('held');
    await settle('t-ahead', 'a-1', 25n);
    const report = await reconciler.reconcile(ledger('t-ahead'));
    expect(report).toMatchObject({ tenants: 1, tokens: 1, corrections: [], inFlightNano: '25' });
    expect(await mirror.snapshot('t-ahead')).toMatchObject({ debits: 25n, balance: 975n });
  });

  it('creates no mirror that is not loaded (the next hold loads it from PostgreSQL)', async () => {
    const report = await reconciler.reconcile({
      debits: new Map([['t-absent', 500n]]),
      used: new Map([['tok-t-absent', 500n]]),
      quotas: new Map([['tok-t-absent', 0]]),
    });
    expect(report).toMatchObject({ tenants: 0, tokens: 0, corrections: [] });
    expect(
      await client.exists(`${testRedis.prefix}:funds:t-absent`, `${testRedis.prefix}:tq:tok-t-absent:0`),
    ).toBe(0);
  });

  it('looks for no mirror of a token without a quota, nor of one under an earlier quota', async () => {
    rows.set('t-free', { creditsNano: 1000n, debitsNano: 0n, creditSeq: 1n });
    expect(await hold('t-free', 'free-1', 100n)).toBe('held');
    await settle('t-free', 'free-1', 40n);
    store('t-free', 40n);
    store('t-free', 5n); // missed by the mirror: the token's correction would show
    const { debits, used: spent } = ledger('t-free');
    // The quota was taken off: the tenant still reconciles, the token has nothing to.
    const report = await reconciler.reconcile({ debits, used: spent, quotas: new Map() });
    expect(report).toMatchObject({ tenants: 1, tokens: 0 });
    expect(report.corrections).toEqual([{ kind: 'tenant', id: 't-free', field: 'debits', added: '5' }]);
    // A quota set again moves the epoch on: a new mirror, not loaded yet, nothing to correct there.
    const later = await reconciler.reconcile({ debits, used: spent, quotas: new Map([['tok-t-free', 1]]) });
    expect(later).toMatchObject({ tokens: 0, corrections: [] });
    expect(await tokenUsed('t-free')).toBe(40n);
  });

  it('stays exact past 2^53 nano-USD', async () => {
    const big = 2n ** 60n;
    rows.set('t-big', { creditsNano: big, debitsNano: big - 5n, creditSeq: 1n });
    expect(await hold('t-big', 'b-1', 1n)).toBe('held');
    await settle('t-big', 'b-1', 0n);
    rows.set('t-big', { creditsNano: big, debitsNano: big - 2n, creditSeq: 1n });
    await reconciler.reconcile({ debits: new Map([['t-big', big - 2n]]), used: new Map() });
    expect(await mirror.snapshot('t-big')).toMatchObject({ debits: big - 2n, balance: 2n });
  });
  it('adds the plan period counts and spend a rebuilt plan mirror missed, never what is in flight', async () => {
    rows.set('t-pp', { creditsNano: 1000n, debitsNano: 0n, creditSeq: 1n });
    const periodStart = new Date('2026-11-01T00:00:00Z');
    const plan = {
      plan: {
        limitRequests: null,
        limitInputTokens: null,
        limitOutputTokens: null,
        limitSpendNano: null,
        includedNano: 1000n,
      },
      periodStart,
      // After the wall clock: the mirror keeps a period's counters until a week after its end, by the
      // wall clock (a fixed end in the past made them expire as they were loaded).
      periodEnd: new Date(Date.now() + 30 * 86_400_000),
    } as unknown as CurrentPlan;
    const onPlan = async (requestId: string, costNano: bigint) => {
      const outcome = await mirror.hold({
        requestId,
        tenantId: 't-pp',
        tokenId: 'tok-t-pp',
        amountNano: 100n,
        tokenQuotaNano: null,
        tokenQuotaEpoch: 0,
        plan,
        inputTokens: 3,
        outputTokens: 7,
      });
      expect(outcome.verdict).toBe('held');
      await mirror.settle({
        tenantId: 't-pp',
        tokenId: 'tok-t-pp',
        tokenQuotaNano: null,
        tokenQuotaEpoch: 0,
        requestId,
        hold: outcome.hold,
        costNano,
        plan,
        counted: true,
        inputTokens: 3,
        outputTokens: 5,
      });
    };
    const periodsOf = () => [
      {
        tenantId: 't-pp',
        periodStart,
        counters: {
          req: periodRows.get('t-pp')?.requests ?? 0n,
          in: periodRows.get('t-pp')?.inputTokens ?? 0n,
          out: periodRows.get('t-pp')?.outputTokens ?? 0n,
          spend: periodRows.get('t-pp')?.spendNano ?? 0n,
          cov: periodRows.get('t-pp')?.coveredNano ?? 0n,
        },
      },
    ];
    await onPlan('pp-1', 40n);
    // Redis lost the plan period before the worker stored pp-1; pp-2 rebuilds it from PostgreSQL.
    await client.del(`${testRedis.prefix}:pp:t-pp:${periodStart.getTime()}`);
    await onPlan('pp-2', 20n);
    expect(await mirror.planPeriod('t-pp', plan)).toMatchObject({
      req: 1n,
      in: 3n,
      out: 5n,
      spend: 20n,
      cov: 20n,
    });
    // pp-1 is stored; pp-2 is not yet (in flight).
    periodRows.set('t-pp', {
      requests: 1n,
      inputTokens: 3n,
      outputTokens: 5n,
      spendNano: 40n,
      coveredNano: 40n,
    });

    const during = await reconciler.reconcile({ debits: new Map(), used: new Map(), periods: periodsOf() });
    // The ledger's 40 against the mirror's 20: only 20 is certainly missed while 20 is in flight;
    // the counts are equal (one request each side), so nothing moves for them yet.
    expect(during.planPeriods).toBe(1);
    expect(during.corrections).toEqual([
      { kind: 'plan', id: `t-pp:${periodStart.getTime()}`, field: 'spend', added: '20' },
      { kind: 'plan', id: `t-pp:${periodStart.getTime()}`, field: 'cov', added: '20' },
    ]);
    periodRows.set('t-pp', {
      requests: 2n,
      inputTokens: 6n,
      outputTokens: 10n,
      spendNano: 60n,
      coveredNano: 60n,
    });
    await reconciler.reconcile({ debits: new Map(), used: new Map(), periods: periodsOf() });
    expect(await mirror.planPeriod('t-pp', plan)).toMatchObject({
      req: 2n,
      in: 6n,
      out: 10n,
      spend: 60n,
      cov: 60n,
      hReq: 0n,
      hSpend: 0n,
    });
    expect(
      (await reconciler.reconcile({ debits: new Map(), used: new Map(), periods: periodsOf() })).corrections,
    ).toEqual([]);
  });

  it('resyncs credits PostgreSQL committed that the mirror never applied, once', async () => {
    rows.set('t-credit', { creditsNano: 1000n, debitsNano: 0n, creditSeq: 1n });
    expect(await hold('t-credit', 'c-1', 100n)).toBe('held');
    await settle('t-credit', 'c-1', 30n);
    // A top-up committed; its mirror update never arrived (the api died, Redis did not answer).
    rows.set('t-credit', { creditsNano: 1500n, debitsNano: 0n, creditSeq: 2n });
    const credits = new Map([['t-credit', { creditsNano: 1500n, creditSeq: 2n }]]);

    const report = await reconciler.reconcile({ debits: new Map(), used: new Map(), credits });
    expect(report.corrections).toEqual([{ kind: 'credits', id: 't-credit', field: 'credits', added: '500' }]);
    expect(await mirror.snapshot('t-credit')).toMatchObject({
      credits: 1500n,
      creditSeq: 2n,
      debits: 30n,
      balance: 1470n,
    });
    // The late update, and a second run, change nothing.
    await mirror.applyCredit('t-credit', 2n, 500n);
    expect((await reconciler.reconcile({ debits: new Map(), used: new Map(), credits })).corrections).toEqual(
      [],
    );
    expect(await mirror.snapshot('t-credit')).toMatchObject({ credits: 1500n, balance: 1470n });
  });
});
