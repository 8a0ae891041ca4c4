// A hold is a ceiling (docs/design.md invariant 6), through the official SDK over two API processes:
// an upstream that counts far more prompt tokens than the gateway estimated is charged the hold,
// never more, and the rest is recorded as a write-off; the books still reconcile to the nano-dollar.
import Anthropic from '@anthropic-ai/sdk';
import { BalanceMirror } from '@gateway/billing';
import type { MockUpstream } from '@gateway/mock-upstream';
import {
  chatPromptTokensBound,
  countChatPromptTokens,
  IMAGE_PART_TOKENS,
  tokenizerLoaded,
  type ChatCompletionBody,
} from '@gateway/providers';
import { RelayMetrics } from '@gateway/relay';
import request from 'supertest';
import { DataSource } from 'typeorm';
import type { ApiHarness } from '../api-harness';
import {
  createChannel,
  fund,
  seedTenantWithToken,
  startRelayPair,
  usageRecordsStored,
  type RelayPair,
  sdkError,
  usageRecord,
  type UsageLogRow,
} from './relay-fixture';

/** $1 and $2 per million tokens: 1,000 and 2,000 nano-USD a token, so costs are exact integers. */
const PRICE = { inputPer1M: '1', outputPer1M: '2' };
const costNano = (prompt: number, completion: number) => BigInt(prompt) * 1000n + BigInt(completion) * 2000n;

describe('a hold is a ceiling (two API processes)', () => {
  let relay: RelayPair;
  let api: ApiHarness;
  let mock: MockUpstream;
  let admin: string;

  beforeAll(async () => {
    relay = await startRelayPair('relay_hold_ceiling', { ingestor: true });
    ({ api, mock, admin } = relay);
  });
  afterAll(() => relay?.close());

  async function setPrice(model: string): Promise<void> {
    await request(api.url)
      .put(`/api/models/${model}/price`)
      .set('authorization', `Bearer ${admin}`)
      .send(PRICE)
      .expect(200);
  }

  // First in this file: its module registry (shared with the api processes it runs) starts without
  // the tokenizer, so what loads it shows here.
  it('relays requests whose upstream reports usage without loading the tokenizer, and loads it only to count one that reports none', async () => {
    await createChannel(api, admin, {
      name: 'reporting',
      baseUrl: mock.baseUrl,
      models: ['m-reporting'],
      keys: ['sk-mock;tokens=8'],
    });
    await createChannel(api, admin, {
      name: 'silent',
      baseUrl: mock.baseUrl,
      models: ['m-silent'],
      keys: ['sk-mock;tokens=8;usage=0'],
    });
    await setPrice('m-reporting');
    await setPrice('m-silent');
    const { key, tenantId } = await seedTenantWithToken(api, admin);
    await fund(api, tenantId, '1');
    const [a, b] = relay.clients(key);
    const messages = [{ role: 'user' as const, content: 'Tell me about the weather in three words.' }];
    for (const client of [a, b, a, b]) {
      await client.chat.completions.create({ model: 'm-reporting', messages });
      const stream = await client.chat.completions.create({ model: 'm-reporting', messages, stream: true });
      for await (const chunk of stream) void chunk;
    }
    // Another ingress on the same channel: translated both ways (/v1/messages to OpenAI's format).
    const anthropic = new Anthropic({ baseURL: api.url, apiKey: key, maxRetries: 0 });
    const asked = { model: 'm-reporting', max_tokens: 32, messages };
    expect((await anthropic.messages.create(asked)).usage.input_tokens).toBeGreaterThan(0);
    for await (const event of await anthropic.messages.create({ ...asked, stream: true })) void event;
    await usageRecordsStored(api, tenantId, 10);
    expect(tokenizerLoaded()).toBe(false);

    // An upstream without usage: the prompt is billed as the tokenizer counts it, not at the hold's bound.
    const counted = await a.chat.completions.create({ model: 'm-silent', messages }).withResponse();
    expect(tokenizerLoaded()).toBe(true);
    const record = await usageRecord(api, admin, counted.response.headers.get('x-request-id') as string);
    const body = { model: 'm-silent', messages } as ChatCompletionBody;
    expect(record).toMatchObject({ usageSource: 'counted', promptTokens: countChatPromptTokens(body) });
    expect(record.promptTokens).toBeLessThan(chatPromptTokensBound(body));
  });

  it('holds each image part of a chat request at the per-image bound', async () => {
    await createChannel(api, admin, {
      name: 'vision',
      baseUrl: mock.baseUrl,
      models: ['m-vision'],
      keys: ['sk-mock-vision'],
    });
    await setPrice('m-vision');
    const { key, tenantId } = await seedTenantWithToken(api, admin);
    // $0.004 covers a short text prompt but not one image at $1 per million input tokens.
    await fund(api, tenantId, '0.004');
    const [a] = relay.clients(key);
    mock.reset();
    const text = { type: 'text' as const, text: 'What is this?' };
    const refused = await sdkError(
      a.chat.completions.create({
        model: 'm-vision',
        max_tokens: 1,
        messages: [
          {
            role: 'user',
            content: [text, { type: 'image_url', image_url: { url: 'https://example.com/a.png' } }],
          },
        ],
      }),
    );
    expect(refused.status).toBe(402);
    const held = Number(/may cost up to \$([0-9.]+)/.exec(refused.message)?.[1]);
    expect(held).toBeGreaterThanOrEqual(IMAGE_PART_TOKENS / 1e6);
    await a.chat.completions.create({
      model: 'm-vision',
      max_tokens: 1,
      messages: [{ role: 'user', content: [text] }],
    });
    expect(mock.requests).toHaveLength(1);
  });

  it('holds what the upstream may bill beyond the messages: every prompt of a list, schemas, functions, predictions', async () => {
    await createChannel(api, admin, {
      name: 'fields',
      baseUrl: mock.baseUrl,
      models: ['m-fields', 'm-pricey'],
      keys: ['sk-mock-fields'],
    });
    await setPrice('m-fields');
    await request(api.url)
      .put('/api/models/m-pricey/price')
      .set('authorization', `Bearer ${admin}`)
      .send({ inputPer1M: '1', outputPer1M: '60000' })
      .expect(200);
    const { key, tenantId } = await seedTenantWithToken(api, admin);
    // $0.002 covers a short prompt and 10 output tokens, not 200 prompts' answers nor a 40 KB schema.
    await fund(api, tenantId, '0.002');
    const [a] = relay.clients(key);
    mock.reset();
    const schema = {
      type: 'object',
      properties: Object.fromEntries(
        Array.from({ length: 800 }, (_, i) => [
          `field_${i}`,
          { type: 'string', description: 'a field of the answer' },
        ]),
      ),
    };
    const messages = [{ role: 'user' as const, content: 'hi' }];
    const refusals = await Promise.all([
      // Each prompt of a list gets its own answer of up to max_tokens.
      sdkError(
        a.completions.create({ model: 'm-fields', max_tokens: 10, prompt: Array<string>(200).fill('hi') }),
      ),
      // OpenAI bills a structured output's schema, legacy functions and a prediction's tokens.
      sdkError(
        a.chat.completions.create({
          model: 'm-fields',
          max_tokens: 10,
          messages,
          response_format: { type: 'json_schema', json_schema: { name: 'big', schema } },
        }),
      ),
      sdkError(
        a.chat.completions.create({
          model: 'm-fields',
          max_tokens: 10,
          messages,
          functions: [{ name: 'big', parameters: schema }],
        }),
      ),
      sdkError(
        a.chat.completions.create({
          model: 'm-fields',
          max_tokens: 10,
          messages,
          prediction: { type: 'content', content: 'word '.repeat(8000) },
        }),
      ),
    ]);
    expect(refusals.map((error) => error.status)).toEqual([402, 402, 402, 402]);
    // A worst case beyond what any balance can hold (2,048 prompts × best_of 128 × 1M tokens at
    // $60,000 per million) is a 402 too, never a 500.
    const huge = await sdkError(
      a.completions.create({
        model: 'm-pricey',
        max_tokens: 1_000_000,
        best_of: 128,
        prompt: Array<string>(2048).fill('hi'),
      }),
    );
    expect(huge.status).toBe(402);
    expect(mock.requests).toHaveLength(0);
    await a.completions.create({ model: 'm-fields', max_tokens: 10, prompt: ['hi'] });
    await a.chat.completions.create({
      model: 'm-fields',
      max_tokens: 10,
      messages,
      response_format: { type: 'json_object' },
    });
    expect(mock.requests).toHaveLength(2);
  });

  it('charges concurrent requests at most their holds when the upstream counts far more prompt, and records the rest as written off', async () => {
    // Every answer reports a million prompt tokens more than were sent: $1 each at this price.
    await createChannel(api, admin, {
      name: 'overcounting',
      baseUrl: mock.baseUrl,
      models: ['m-overcount'],
      keys: ['sk-mock;tokens=5;promptExtra=1000000'],
    });
    await setPrice('m-overcount');
    const { key, tenantId, tokenId } = await seedTenantWithToken(api, admin);
    const funded = 10_000_000n; // $0.01: a dozen holds fit, a dozen real costs ($12) do not
    await fund(api, tenantId, '0.01');
    const [a, b] = relay.clients(key);
    const body = {
      model: 'm-overcount',
      messages: [{ role: 'user' as const, content: 'hi' }],
      max_tokens: 20,
    };
    const REQUESTS = 12;
    await Promise.all(
      Array.from({ length: REQUESTS }, async (_, i) => {
        const client = i % 2 ? b : a;
        if (i % 4 < 2) {
          await client.chat.completions.create(body);
          return;
        }
        const stream = await client.chat.completions.create({ ...body, stream: true });
        for await (const chunk of stream) void chunk;
      }),
    );
    expect(mock.requests.filter((r) => r.apiKey?.includes('promptExtra'))).toHaveLength(REQUESTS);
    await usageRecordsStored(api, tenantId, REQUESTS);

    const db = api.app.get(DataSource);
    const rows = (await db.query(
      `SELECT request_id, prompt_tokens, completion_tokens, cost_nano, written_off_nano, status
         FROM usage_records WHERE tenant_id = $1`,
      [tenantId],
    )) as Record<string, string | number>[];
    expect(rows).toHaveLength(REQUESTS);
    let charged = 0n;
    for (const row of rows) {
      expect(row['status']).toBe(200);
      expect(Number(row['prompt_tokens'])).toBeGreaterThan(1_000_000);
      const real = costNano(Number(row['prompt_tokens']), Number(row['completion_tokens']));
      const cost = BigInt(row['cost_nano'] as string);
      const writtenOff = BigInt(row['written_off_nano'] as string);
      // Charged the hold (a few tokens' worth), the rest of the real cost written off.
      expect(cost).toBeGreaterThan(0n);
      expect(cost).toBeLessThan(funded / BigInt(REQUESTS));
      expect(writtenOff).toBe(real - cost);
      charged += cost;
    }

    // No overspend: the balance is what was funded less what was charged, and not below zero.
    const [books] = (await db.query(
      `SELECT
         (SELECT balance_nano FROM tenant_balances WHERE tenant_id = $1) AS balance,
         (SELECT coalesce(sum(amount_nano), 0) FROM ledger_entries WHERE tenant_id = $1) AS ledger,
         (SELECT coalesce(sum(amount_nano), 0) FROM ledger_entries WHERE tenant_id = $1 AND kind = 'usage') AS usage,
         (SELECT used_nano FROM tokens WHERE id = $2) AS used`,
      [tenantId, tokenId],
    )) as Record<string, string>[];
    expect(BigInt(books?.['balance'] as string)).toBe(funded - charged);
    expect(BigInt(books?.['balance'] as string)).toBeGreaterThanOrEqual(0n);
    expect(BigInt(books?.['ledger'] as string)).toBe(funded - charged);
    expect(-BigInt(books?.['usage'] as string)).toBe(charged);
    expect(BigInt(books?.['used'] as string)).toBe(charged);
    expect(await api.app.get(BalanceMirror).snapshot(tenantId)).toMatchObject({
      held: 0n,
      debits: charged,
      balance: funded - charged,
    });
    const reconciliation = await request(api.url)
      .get('/api/usage/reconciliation')
      .set('authorization', `Bearer ${admin}`)
      .expect(200);
    expect(reconciliation.body).toMatchObject({ mismatches: [] });

    // The write-off is visible in the usage log, the CSV and the metrics.
    const logs = await request(api.url)
      .get('/api/usage/logs')
      .query({ tenantId, pageSize: 100 })
      .set('authorization', `Bearer ${admin}`)
      .expect(200);
    const items = (logs.body as { items: (UsageLogRow & { writtenOffUsd: string })[] }).items.filter(
      (row) => row.model === 'm-overcount',
    );
    expect(items).toHaveLength(REQUESTS);
    for (const item of items) expect(Number(item.writtenOffUsd)).toBeGreaterThan(0.99);
    const csv = await request(api.url)
      .get('/api/usage/logs.csv')
      .query({ tenantId })
      .set('authorization', `Bearer ${admin}`)
      .expect(200);
    const [header, ...lines] = csv.text.trim().split('\n');
    const column = (header as string).split(',').indexOf('writtenOffUsd');
    expect(column).toBeGreaterThan(0);
    expect(lines).toHaveLength(REQUESTS);
    for (const line of lines) expect(Number(line.split(',')[column])).toBeGreaterThan(0.99);
    const counted = await api.app.get(RelayMetrics).writeOffs.get();
    expect(counted.values.find((v) => v.labels.model === 'm-overcount')?.value).toBe(REQUESTS / 2);
  });

  it("caps a plan tenant's charge at the whole hold, the allowance's part included", async () => {
    await createChannel(api, admin, {
      name: 'overcounting-plan',
      baseUrl: mock.baseUrl,
      models: ['m-overcount-plan'],
      keys: ['sk-mock;tokens=5;promptExtra=1000000'],
    });
    await setPrice('m-overcount-plan');
    const plan = await request(api.url)
      .post('/api/plans')
      .set('authorization', `Bearer ${admin}`)
      .send({ name: 'ceiling plan', priceUsd: '20', includedUsd: '0.001' })
      .expect(201);
    const { key, tenantId } = await seedTenantWithToken(api, admin);
    await request(api.url)
      .put(`/api/tenants/${tenantId}/subscription`)
      .set('authorization', `Bearer ${admin}`)
      .send({ planId: (plan.body as { id: string }).id })
      .expect(200);
    await fund(api, tenantId, '0.01');
    const [a, b] = relay.clients(key);
    const body = {
      model: 'm-overcount-plan',
      messages: [{ role: 'user' as const, content: 'hi' }],
      max_tokens: 20,
    };
    await Promise.all([a, b, a, b].map((client) => client.chat.completions.create(body)));
    await usageRecordsStored(api, tenantId, 4);

    const db = api.app.get(DataSource);
    const rows = (await db.query(
      `SELECT prompt_tokens, completion_tokens, cost_nano, covered_nano, written_off_nano
         FROM usage_records WHERE tenant_id = $1`,
      [tenantId],
    )) as Record<string, string | number>[];
    let charged = 0n;
    let covered = 0n;
    for (const row of rows) {
      const real = costNano(Number(row['prompt_tokens']), Number(row['completion_tokens']));
      const cost = BigInt(row['cost_nano'] as string);
      // The same small hold for each: the allowance pays it, and the million extra tokens are written off.
      expect(cost).toBe(BigInt(rows[0]?.['cost_nano'] as string));
      expect(cost).toBeLessThan(1_000_000n / 4n);
      expect(BigInt(row['covered_nano'] as string)).toBe(cost);
      expect(BigInt(row['written_off_nano'] as string)).toBe(real - cost);
      charged += cost;
      covered += BigInt(row['covered_nano'] as string);
    }
    const [books] = (await db.query(
      `SELECT
         (SELECT balance_nano FROM tenant_balances WHERE tenant_id = $1) AS balance,
         (SELECT coalesce(sum(spend_nano), 0) FROM plan_period_usage WHERE tenant_id = $1) AS spend,
         (SELECT coalesce(sum(covered_nano), 0) FROM plan_period_usage WHERE tenant_id = $1) AS covered`,
      [tenantId],
    )) as Record<string, string>[];
    expect(BigInt(books?.['balance'] as string)).toBe(10_000_000n);
    expect(BigInt(books?.['spend'] as string)).toBe(charged);
    expect(BigInt(books?.['covered'] as string)).toBe(covered);
    const reconciliation = await request(api.url)
      .get('/api/usage/reconciliation')
      .set('authorization', `Bearer ${admin}`)
      .expect(200);
    expect(reconciliation.body).toMatchObject({ mismatches: [] });
  });
});
