// A NewAPI shop's prices after the move, end to end: a migrated customer calls with their old sk- key
// through the official SDK and is billed what NewAPI would have charged. NewAPI bills a model with a
// `ModelPrice` entry per call, modelPrice × groupRatio USD, whatever the tokens (and that price wins
// over a ModelRatio the same model may have); it bills `tts-*` speech per input character (code
// point) × ModelRatio quota (service.CountTTSToken), since the audio it answers reports no tokens.
// And a key whose model limits NewAPI turned on with none chosen may call no model (its distributor).
import { startMockUpstream, type MockUpstream } from '@gateway/mock-upstream';
import type { UsageIngestor } from '@gateway/usage';
import OpenAI from 'openai';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { startApi, type ApiHarness } from '../api-harness';
import { fund, startIngestor, usageRecordsStored } from '../relay/relay-fixture';
import { ALICE_KEY, buildSqliteSource, CAROL_KEY, changedSqliteSource } from './newapi-source-fixture';

const MODELS = 'gpt-4o-mini,gpt-4o-alias,search-gpt-4o,gpt-4o-mini-fixed,tts-1,dall-e-2,dall-e-3';

const NO_MODELS_KEY = 'noModelsK3yFromNewApi000000000000000000000000006';

function sdk(api: ApiHarness, key: string): OpenAI {
  return new OpenAI({ apiKey: key, baseURL: `${api.url}/v1`, maxRetries: 0 });
}

async function scalar(api: ApiHarness, sql: string, params: unknown[] = []): Promise<string> {
  const [row] = (await api.app.get(DataSource).query(sql, params)) as { v: string }[];
  return String(row?.v);
}

describe('NewAPI prices after the move: a migrated key is billed what NewAPI would have charged', () => {
  let api: ApiHarness;
  let mock: MockUpstream;
  let ingestor: UsageIngestor;
  let admin: string;
  let source: Uint8Array;
  let tenantId: string;
  let report: { notImported: string[]; prices: { set: { model: string }[] } | null; pricedModels: number };

  beforeAll(async () => {
    mock = await startMockUpstream();
    api = await startApi('newapi_prices');
    ingestor = startIngestor(api);
    admin = await api.adminToken();
    const base = await buildSqliteSource({
      upstream: mock.url.replace(/\/v1$/, ''),
      aliceQuota: 1_500_000,
      prefix: '',
    });
    source = await changedSqliteSource(base, [
      `UPDATE channels SET models = '${MODELS}' WHERE id = 1`,
      `UPDATE tokens SET model_limits = '${MODELS.replace(/,/g, ', ')}' WHERE id = 1`,
      `UPDATE options SET value = '{"gpt-4o-mini":0.075,"gpt-4o":1.25,"gpt-4o-mini-fixed":0.075,"tts-1":7.5}' WHERE key = 'ModelRatio'`,
      `UPDATE options SET value = '{"gpt-4o-mini":4,"gpt-4o":4,"gpt-4o-mini-fixed":4,"tts-1":1}' WHERE key = 'CompletionRatio'`,
      // Model limits on with nothing chosen: NewAPI answers 403 for every model.
      `INSERT INTO tokens (id, user_id, "key", status, name, expired_time, remain_quota, model_limits_enabled, model_limits)
         VALUES (6, 2, '${NO_MODELS_KEY}', 1, 'no models', -1, 1000000, 1, '')`,
      `INSERT INTO options (key, value) VALUES ('ModelPrice', '{"search-gpt-4o":0.035,"gpt-4o-mini-fixed":0.02,"dall-e-2":0.02,"dall-e-3":0.04}')`,
    ]);
    // The operator priced the Baidu channel's model here before the import.
    await request(api.url)
      .put('/api/models/ERNIE-4.0/price')
      .set('authorization', `Bearer ${admin}`)
      .send({ inputPer1M: '1', outputPer1M: '2' })
      .expect(200);
    const res = await request(api.url)
      .post('/api/imports/newapi')
      .set('authorization', `Bearer ${admin}`)
      .field('dryRun', 'false')
      .attach('file', Buffer.from(source), 'one-api.db');
    expect(res.status).toBe(200);
    report = res.body as typeof report;
    tenantId = await scalar(api, `SELECT tenant_id AS v FROM users WHERE username = 'alice'`);
  });

  afterAll(async () => {
    await ingestor?.stop();
    await api?.close();
    await mock?.close();
  });

  const balance = async () =>
    BigInt(
      await scalar(api, 'SELECT balance_nano AS v FROM tenant_balances WHERE tenant_id = $1', [tenantId]),
    );

  it('a model NewAPI prices per call (ModelPrice) costs that price per request, not nothing', async () => {
    const before = await balance();
    const completion = await sdk(api, `sk-${ALICE_KEY}`).chat.completions.create({
      model: 'search-gpt-4o',
      messages: [{ role: 'user', content: 'what is new today?' }],
    });
    expect(completion.usage?.prompt_tokens).toBeGreaterThan(0);
    await usageRecordsStored(api, tenantId, 1);
    // quota = 0.035 × 500000 × groupRatio 1 = 17500 = $0.035, however many tokens.
    expect(await scalar(api, `SELECT cost_nano AS v FROM usage_records WHERE model = 'search-gpt-4o'`)).toBe(
      '35000000',
    );
    expect(await balance()).toBe(before - 35_000_000n);
  });

  it('a ModelPrice wins over a ModelRatio the same model has, as in NewAPI', async () => {
    const completion = await sdk(api, `sk-${ALICE_KEY}`).chat.completions.create({
      model: 'gpt-4o-mini-fixed',
      messages: [{ role: 'user', content: 'a fixed price, whatever the tokens' }],
    });
    expect(completion.usage?.completion_tokens).toBeGreaterThan(0);
    await usageRecordsStored(api, tenantId, 2);
    expect(
      await scalar(api, `SELECT cost_nano AS v FROM usage_records WHERE model = 'gpt-4o-mini-fixed'`),
    ).toBe('20000000');
    // Nor is a fixed-price model's output price a question for the operator.
    expect(report.notImported.join('\n')).not.toContain('gpt-4o-mini-fixed');
    expect(report.notImported.join('\n')).not.toContain('search-gpt-4o');
  });

  it("a per-call price is scaled by the caller's group ratio, as NewAPI's modelPrice × groupRatio", async () => {
    const carol = await scalar(api, `SELECT tenant_id AS v FROM users WHERE username = 'carol'`);
    await fund(api, carol, '1');
    await sdk(api, `sk-${CAROL_KEY}`).chat.completions.create({
      model: 'search-gpt-4o',
      messages: [{ role: 'user', content: 'vip pays 0.8 of it' }],
    });
    await usageRecordsStored(api, carol, 1);
    // GroupRatio vip 0.8: 0.035 × 0.8 = $0.028.
    expect(await scalar(api, 'SELECT cost_nano AS v FROM usage_records WHERE tenant_id = $1', [carol])).toBe(
      '28000000',
    );
  });

  it('tts-1, priced by ModelRatio alone, bills each input character at that ratio, as NewAPI does', async () => {
    const before = await balance();
    const input = 'Grüße aus Köln 👋';
    const speech = await sdk(api, `sk-${ALICE_KEY}`).audio.speech.create({
      model: 'tts-1',
      voice: 'alloy',
      input,
    });
    expect((await speech.arrayBuffer()).byteLength).toBeGreaterThan(0);
    await usageRecordsStored(api, tenantId, 3);
    // quota = code points × 7.5; 7.5 / 500000 USD = 15,000 nano a character ($15 per 1M, OpenAI's price).
    const cost = BigInt([...input].length) * 15_000n;
    expect(await scalar(api, `SELECT cost_nano AS v FROM usage_records WHERE model = 'tts-1'`)).toBe(
      cost.toString(),
    );
    expect(await balance()).toBe(before - cost);
  });

  it("a dall-e model's per-call price is per image, by NewAPI's size and quality ratios, times n", async () => {
    const key = `sk-${ALICE_KEY}`;
    const before = await balance();
    // dall-e-2 at 512x512: 0.02 × 0.45 per image, n = 3 → $0.027.
    await sdk(api, key).images.generate({ model: 'dall-e-2', prompt: 'a cat', n: 3, size: '512x512' });
    // dall-e-3 hd 1792x1024: 0.04 × size 2 × quality 1.5 → $0.12; hd at the default size: × 2 → $0.08.
    await sdk(api, key).images.generate({
      model: 'dall-e-3',
      prompt: 'a dog',
      size: '1792x1024',
      quality: 'hd',
    });
    await sdk(api, key).images.generate({ model: 'dall-e-3', prompt: 'a fox', quality: 'hd' });
    await usageRecordsStored(api, tenantId, 6);
    const costs = (await api.app
      .get(DataSource)
      .query(
        `SELECT model, cost_nano::text AS cost FROM usage_records WHERE model LIKE 'dall-e%' ORDER BY created_at`,
      )) as { model: string; cost: string }[];
    expect(costs).toEqual([
      { model: 'dall-e-2', cost: '27000000' },
      { model: 'dall-e-3', cost: '120000000' },
      { model: 'dall-e-3', cost: '80000000' },
    ]);
    expect(await balance()).toBe(before - 227_000_000n);
  });

  it('a key NewAPI let call no model (model limits on, none chosen) calls none here either', async () => {
    await expect(
      sdk(api, `sk-${NO_MODELS_KEY}`).chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'any model?' }],
      }),
    ).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    expect(await scalar(api, `SELECT status AS v FROM tokens WHERE name = 'no models'`)).toBe('disabled');
  });

  it('a channel model the source has no price for (free here, refused or default-priced in NewAPI) is named in the report', async () => {
    expect(report.notImported).toContain(
      'prices: gpt-4o-alias is served by an imported channel but has neither a ModelRatio nor a ModelPrice in the source (NewAPI refuses it, or bills it at a ratio built into its code): it costs nothing here until it has a price',
    );
    // Priced here already, or priced in the source: not named.
    expect(report.notImported.join('\n')).not.toMatch(
      /ERNIE-4\.0 is served|gpt-4o-mini is served|tts-1 is served/,
    );
  });

  it('a re-run with the same prices changes none of them', async () => {
    const prices = await scalar(api, 'SELECT count(*) AS v FROM model_prices');
    const res = await request(api.url)
      .post('/api/imports/newapi')
      .set('authorization', `Bearer ${admin}`)
      .field('dryRun', 'false')
      .attach('file', Buffer.from(source), 'one-api.db')
      .expect(200);
    expect((res.body as typeof report).prices?.set).toEqual([]);
    expect(await scalar(api, 'SELECT count(*) AS v FROM model_prices')).toBe(prices);
  });
});
