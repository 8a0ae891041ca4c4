// The operator's first hour, end to end through the public surfaces only: set a price, top up a
// tenant, call the gateway with the official SDK (non-stream and stream), and see the ledger, the
// token's used quota and the usage log move by exactly the same amount.
import type { MockUpstream } from '@gateway/mock-upstream';
import { usdToNano } from '@gateway/db';
import { waitFor } from '@gateway/testing';
import OpenAI from 'openai';
import request from 'supertest';
import type { ApiHarness } from '../api-harness';
import { createChannel, sdk, seedTenantWithToken, startRelay, type Relay } from './relay-fixture';

describe('seed workflow: price → top-up → SDK calls → ledger, token quota and usage log agree', () => {
  let relay: Relay;
  let api: ApiHarness;
  let mock: MockUpstream;
  let admin: string;

  beforeAll(async () => {
    relay = await startRelay('relay_seed', { ingestor: true });
    ({ api, mock, admin } = relay);
  });
  afterAll(() => relay?.close());

  const get = (path: string) =>
    request(api.url).get(path).set('authorization', `Bearer ${admin}`).expect(200);

  it('moves every book by the same nano-dollars', async () => {
    await createChannel(api, admin, {
      name: 'openai',
      baseUrl: mock.baseUrl,
      models: ['gpt-4o-mini'],
      keys: ['sk-mock-seed-1'],
    });
    await request(api.url)
      .put('/api/models/gpt-4o-mini/price')
      .set('authorization', `Bearer ${admin}`)
      .send({ inputPer1M: '0.15', cachedInputPer1M: '0.075', outputPer1M: '0.6', perRequest: '0.0001' })
      .expect(200);
    const { tenantId, tokenId, key } = await seedTenantWithToken(api, admin, { name: 'seed token' });
    // Unfunded: refused before any upstream call, and nothing is charged.
    const refused = await sdk(api, key)
      .chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(refused).toBeInstanceOf(OpenAI.APIError);
    expect((refused as InstanceType<typeof OpenAI.APIError>).status).toBe(402);
    expect((refused as InstanceType<typeof OpenAI.APIError>).code).toBe('insufficient_quota');
    expect(mock.requests).toHaveLength(0);

    await request(api.url)
      .post(`/api/tenants/${tenantId}/topups`)
      .set('authorization', `Bearer ${admin}`)
      .send({ amountUsd: '5', note: 'first top-up' })
      .expect(201);
    expect((await get(`/api/tenants/${tenantId}`)).body.balanceUsd).toBe('5');

    const client = sdk(api, key);
    const plain = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'a non-stream question' }],
    });
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'a stream question' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let streamed: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) if (chunk.usage) streamed = chunk.usage;

    // What each request must cost, from the usage the SDK saw: tokens × price / 1M, rounded once, + fee.
    const cost = (usage: OpenAI.CompletionUsage | undefined) => {
      const prompt = BigInt(usage?.prompt_tokens ?? 0);
      const completion = BigInt(usage?.completion_tokens ?? 0);
      return (prompt * 150_000_000n + completion * 600_000_000n + 500_000n) / 1_000_000n + 100_000n;
    };
    const spent = cost(plain.usage) + cost(streamed);

    const logs = await waitFor('both usage records', async () => {
      const res = await get(`/api/usage/logs?tenantId=${tenantId}&status=success`);
      const items = (res.body as { items: { costUsd: string }[] }).items;
      return items.length === 2 ? items : undefined;
    });
    const logged = logs.reduce((sum, row) => sum + usdToNano(row.costUsd), 0n);
    expect(logged).toBe(spent);

    const ledger = (await get(`/api/tenants/${tenantId}/ledger`)).body as {
      items: { kind: string; amountUsd: string }[];
    };
    const debits = ledger.items
      .filter((line) => line.kind === 'usage')
      .reduce((sum, line) => sum - usdToNano(line.amountUsd.replace('-', '')), 0n);
    expect(-debits).toBe(spent);
    expect(usdToNano((await get(`/api/tenants/${tenantId}`)).body.balanceUsd)).toBe(5_000_000_000n - spent);
    expect(usdToNano((await get(`/api/tokens/${tokenId}`)).body.usedUsd)).toBe(spent);
    expect((await get('/api/usage/reconciliation')).body.mismatches).toEqual([]);

    // The token can ask for its own standing at /v1/usage, with its own key.
    const own = await request(api.url).get('/v1/usage').set('authorization', `Bearer ${key}`).expect(200);
    expect(own.body).toMatchObject({
      object: 'usage',
      token: { name: 'seed token', quotaUsd: null, remainingUsd: null },
      tenant: { heldUsd: '0' },
    });
    expect(usdToNano(own.body.token.usedUsd)).toBe(spent);
    expect(usdToNano(own.body.tenant.balanceUsd)).toBe(5_000_000_000n - spent);
  });
});
