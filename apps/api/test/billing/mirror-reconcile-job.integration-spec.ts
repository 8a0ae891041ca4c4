// The mirror reconcile job as the worker runs it (MirrorReconciler.run): it reads the ledger's side
// from PostgreSQL itself — tenant balances with their credits, tokens, and the plan periods whose
// usage moved lately — then moves the Redis mirror up to it (docs/design.md "Money").
import { BalanceMirror, MirrorReconciler } from '@gateway/billing';
import { Role, Tenant } from '@gateway/identity';
import { REDIS } from '@gateway/redis';
import type Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { ApiHarness, startApi } from '../api-harness';
import { seedTenant, sessionAs } from '../fixtures';

describe('the mirror reconcile job (PostgreSQL and Redis)', () => {
  let api: ApiHarness;
  let tenant: Tenant;
  let tokenId: string;
  let redis: Redis;
  let db: DataSource;

  beforeAll(async () => {
    api = await startApi('mirror-reconcile-job');
    tenant = await seedTenant(api);
    const owner = await sessionAs(api, Role.Owner, tenant.id);
    tokenId = (await owner.post('/api/tokens', { name: 'reconcile' }).expect(201)).body.id as string;
    redis = api.app.get(REDIS);
    db = api.app.get(DataSource);
  });
  afterAll(async () => {
    await api.close();
  });

  it('moves a plan period and credits the mirror missed up to PostgreSQL, once', async () => {
    const mirror = api.app.get(BalanceMirror);
    await mirror.live(tenant.id, { id: tokenId, quotaNano: null, quotaEpoch: 0 });
    const before = await mirror.snapshot(tenant.id);
    // A credit committed whose mirror update never arrived (its api died before applying it).
    await db.query(
      `INSERT INTO tenant_balances (tenant_id, credits_nano, balance_nano, credit_seq)
       VALUES ($1, 500, 500, 1)
       ON CONFLICT (tenant_id) DO UPDATE SET credits_nano = tenant_balances.credits_nano + 500,
         balance_nano = tenant_balances.balance_nano + 500, credit_seq = tenant_balances.credit_seq + 1`,
      [tenant.id],
    );
    // A plan period stored ahead of its mirror, which was rebuilt before two requests were stored.
    const periodStart = new Date('2026-11-01T00:00:00Z');
    await db.query(
      `INSERT INTO plan_period_usage
         (tenant_id, period_start, requests, input_tokens, output_tokens, spend_nano, covered_nano)
       VALUES ($1, $2, 3, 30, 20, 900, 400)`,
      [tenant.id, periodStart],
    );
    const pp = `${api.config.REDIS_PREFIX}:pp:${tenant.id}:${periodStart.getTime()}`;
    await redis.hset(pp, { req: 1, in: 10, out: 5, spend: 300, cov: 100, hReq: 0, hIn: 0, hOut: 0 });

    const reconciler = new MirrorReconciler(redis, api.config, db);
    const report = await reconciler.run();
    expect(report.planPeriods).toBe(1);
    expect(report.corrections).toEqual(
      expect.arrayContaining([
        { kind: 'credits', id: tenant.id, field: 'credits', added: '500' },
        { kind: 'plan', id: `${tenant.id}:${periodStart.getTime()}`, field: 'req', added: '2' },
        { kind: 'plan', id: `${tenant.id}:${periodStart.getTime()}`, field: 'spend', added: '600' },
      ]),
    );
    expect(await redis.hmget(pp, 'req', 'in', 'out', 'spend', 'cov')).toEqual([
      '3',
      '30',
      '20',
      '900',
      '400',
    ]);
    expect(await mirror.snapshot(tenant.id)).toMatchObject({
      credits: (before?.credits ?? 0n) + 500n,
      balance: (before?.balance ?? 0n) + 500n,
      creditSeq: (before?.creditSeq ?? 0n) + 1n,
    });
    expect((await reconciler.run()).corrections).toEqual([]);
  });
});
