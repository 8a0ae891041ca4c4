// Plans on the hot path, through the official SDK over two API processes: a plan's monthly limits
// are enforced before any upstream call, its included allowance pays before the prepaid balance,
// switching plans takes effect at once, and the ledger, usage records, plan counters and the live
// Redis side agree to the nano-dollar (issue 5: "plan first, then balance").
import { BalanceMirror, CurrentPlans } from '@gateway/billing';
import type { MockUpstream } from '@gateway/mock-upstream';
import { waitFor } from '@gateway/testing';
import Redis from 'ioredis';
import OpenAI from 'openai';
import request from 'supertest';
import { DataSource } from 'typeorm';
import type { ApiHarness } from '../api-harness';
import {
  createChannel,
  fund,
  seedTenantWithToken,
  startRelayPair,
  type RelayPair,
  usageRecordsStored,
} from './relay-fixture';

const FEE_NANO = 1_000_000n; // $0.001 per request, the only price: a request's worst case is its cost

describe('plans on the relay (two API processes)', () => {
  let relay: RelayPair;
  let api: ApiHarness;
  let mock: MockUpstream;
  let admin: string;
  let plans = 0;

  beforeAll(async () => {
    relay = await startRelayPair('relay_plans', { ingestor: true });
    ({ api, mock, admin } = relay);
    await createChannel(api, admin, {
      name: 'plan-paid',
      baseUrl: mock.baseUrl,
      models: ['m-plan-paid', 'm-plan-free'],
      keys: ['sk-mock-plan-1', 'sk-mock-plan-2'],
    });
    await request(api.url)
      .put('/api/models/m-plan-paid/price')
      .set('authorization', `Bearer ${admin}`)
      .send({ inputPer1M: '0', outputPer1M: '0', perRequest: '0.001' })
      .expect(200);
  });

  afterAll(() => relay?.close());

  async function createPlan(body: Record<string, unknown>): Promise<string> {
    const res = await request(api.url)
      .post('/api/plans')
      .set('authorization', `Bearer ${admin}`)
      .send({ name: `plan ${++plans}`, priceUsd: '20', ...body })
      .expect(201);
    return res.body.id as string;
  }

  async function subscribe(tenantId: string, planId: string): Promise<void> {
    await request(api.url)
      .put(`/api/tenants/${tenantId}/subscription`)
      .set('authorization', `Bearer ${admin}`)
      .send({ planId })
      .expect(200);
  }

  /** 'ok', or the HTTP status and our error code of a refusal. */
  const outcome = (call: Promise<unknown>) =>
    call.then(
      () => 'ok',
      (e: unknown) => (e instanceof OpenAI.APIError ? `${e.status} ${e.code}` : String(e)),
    );

  const ask = (client: OpenAI, model: string, extra: Record<string, unknown> = {}) =>
    outcome(
      client.chat.completions.create({
        model,
        messages: [{ role: 'user', content: 'hi' }],
        ...extra,
      } as OpenAI.ChatCompletionCreateParamsNonStreaming),
    );

  it('spends the included allowance first, then the balance, and the books agree exactly', async () => {
    const planId = await createPlan({ includedUsd: '0.003' });
    const { key, tenantId, tokenId } = await seedTenantWithToken(api, admin);
    await fund(api, tenantId, '0.002');
    await subscribe(tenantId, planId);
    const [a, b] = relay.clients(key);
    const mirror = api.app.get(BalanceMirror);
    // A request settles just after its response ends: wait for the live side (GET /v1/usage's) to say
    // so. Requests the allowance covers whole need not have loaded the tenant's mirror: this does.
    const settlesAt = (balance: bigint) =>
      waitFor(`the balance to settle at ${balance}`, async () => {
        const live = await mirror.live(tenantId, { id: tokenId, quotaNano: null, quotaEpoch: 0 });
        return live.balanceNano === balance && live.heldNano === 0n ? true : undefined;
      });

    // Three requests fit the allowance: the balance does not move.
    for (const client of [a, b, a]) expect(await ask(client, 'm-plan-paid')).toBe('ok');
    await settlesAt(2n * FEE_NANO);
    // The next two come out of the balance; then both are spent.
    for (const client of [b, a]) expect(await ask(client, 'm-plan-paid')).toBe('ok');
    await settlesAt(0n);
    expect(await ask(b, 'm-plan-paid')).toBe('402 insufficient_quota');

    await usageRecordsStored(api, tenantId, 6);
    const db = api.app.get(DataSource);
    const [row] = (await db.query(
      `SELECT
         (SELECT balance_nano FROM tenant_balances WHERE tenant_id = $1) AS balance,
         (SELECT coalesce(sum(amount_nano), 0) FROM ledger_entries WHERE tenant_id = $1) AS ledger,
         (SELECT coalesce(sum(amount_nano), 0) FROM ledger_entries WHERE tenant_id = $1 AND kind = 'usage') AS usage,
         (SELECT coalesce(sum(amount_nano), 0) FROM ledger_entries
            WHERE tenant_id = $1 AND kind = 'plan_allowance') AS allowance,
         (SELECT coalesce(sum(cost_nano), 0) FROM usage_records WHERE tenant_id = $1) AS cost,
         (SELECT coalesce(sum(covered_nano), 0) FROM usage_records WHERE tenant_id = $1) AS covered,
         (SELECT used_nano FROM tokens WHERE id = $2) AS used`,
      [tenantId, tokenId],
    )) as Record<string, string>[];
    const money = Object.fromEntries(Object.entries(row as object).map(([k, v]) => [k, BigInt(v)]));
    expect(money).toEqual({
      balance: 0n,
      ledger: 0n,
      usage: -5n * FEE_NANO,
      allowance: 3n * FEE_NANO,
      cost: 5n * FEE_NANO,
      covered: 3n * FEE_NANO,
      used: 5n * FEE_NANO,
    });
    const [period] = (await db.query(
      'SELECT requests, spend_nano, covered_nano FROM plan_period_usage WHERE tenant_id = $1',
      [tenantId],
    )) as Record<string, string>[];
    expect(period).toEqual({
      requests: '5',
      spend_nano: String(5n * FEE_NANO),
      covered_nano: String(3n * FEE_NANO),
    });
    const reconciliation = await request(api.url)
      .get('/api/usage/reconciliation')
      .set('authorization', `Bearer ${admin}`)
      .expect(200);
    expect(reconciliation.body.mismatches).toEqual([]);
    // The tenant sees where it stands in the period.
    const subscription = await request(api.url)
      .get(`/api/tenants/${tenantId}/subscription`)
      .set('authorization', `Bearer ${admin}`)
      .expect(200);
    expect(subscription.body.usage).toEqual({
      requests: '5',
      inputTokens: expect.any(String),
      outputTokens: expect.any(String),
      spendUsd: '0.005',
      includedUsedUsd: '0.003',
      includedLeftUsd: '0',
    });
    const plan = await request(api.url).get(`/api/plans/${planId}`).set('authorization', `Bearer ${admin}`);
    expect(plan.status).toBe(200);
    expect(plan.body).toMatchObject({ id: planId, includedUsd: '0.003' });
  });

  it('lets exactly N of 10×N concurrent requests through a request limit, and a switch takes effect at once', async () => {
    const N = 5;
    const small = await createPlan({ limits: { requests: N } });
    const bigger = await createPlan({ limits: { requests: N + 2 } });
    const { key, tenantId } = await seedTenantWithToken(api, admin);
    await subscribe(tenantId, small);
    const [a, b] = relay.clients(key);
    mock.reset();
    // A model without a price: the plan still counts and limits it.
    const results = await Promise.all(
      Array.from({ length: 10 * N }, (_, i) => ask(i % 2 ? a : b, 'm-plan-free')),
    );
    expect(results.filter((r) => r === 'ok')).toHaveLength(N);
    expect(results.filter((r) => r === '402 insufficient_quota')).toHaveLength(9 * N);
    expect(mock.requests).toHaveLength(N);

    // The bigger plan counts the same period: two more requests, on either process, then no more.
    await subscribe(tenantId, bigger);
    expect(await ask(b, 'm-plan-free')).toBe('ok');
    expect(await ask(a, 'm-plan-free')).toBe('ok');
    expect(await ask(b, 'm-plan-free')).toBe('402 insufficient_quota');
    expect(mock.requests).toHaveLength(N + 2);
    // The token sees what its plan leaves, live.
    const own = await request(api.url).get('/v1/usage').set('authorization', `Bearer ${key}`).expect(200);
    expect(own.body.plan).toMatchObject({ requestsLeft: '0', inputTokensLeft: null, includedLeftUsd: '0' });
  });

  it('holds the worst case against token limits: max_tokens beyond the output limit is refused before the upstream', async () => {
    const planId = await createPlan({ limits: { outputTokens: 100, inputTokens: 1000 } });
    const { key, tenantId } = await seedTenantWithToken(api, admin);
    await subscribe(tenantId, planId);
    const [a] = relay.clients(key);
    mock.reset();
    const refused = await ask(a, 'm-plan-free', { max_tokens: 101 });
    expect(refused).toBe('402 insufficient_quota');
    expect(mock.requests).toHaveLength(0);
    expect(await ask(a, 'm-plan-free', { max_tokens: 40 })).toBe('ok');
    expect(mock.requests).toHaveLength(1);
  });

  it('reloads the plan counters from PostgreSQL when Redis lost them, so the limit still holds', async () => {
    const planId = await createPlan({ limits: { requests: 3 } });
    const { key, tenantId } = await seedTenantWithToken(api, admin);
    await subscribe(tenantId, planId);
    const [a, b] = relay.clients(key);
    expect(await ask(a, 'm-plan-free')).toBe('ok');
    expect(await ask(b, 'm-plan-free')).toBe('ok');
    await usageRecordsStored(api, tenantId, 2);
    const plan = await api.app.get(CurrentPlans).get(tenantId);
    const redis = new Redis(api.config.REDIS_URL);
    try {
      const removed = await redis.del(
        `${api.config.REDIS_PREFIX}:pp:${tenantId}:${plan?.periodStart.getTime() ?? 'none'}`,
      );
      expect(removed).toBe(1);
    } finally {
      redis.disconnect();
    }
    expect(await ask(b, 'm-plan-free')).toBe('ok');
    expect(await ask(a, 'm-plan-free')).toBe('402 insufficient_quota');
  });
});
