// A chat completions client may send its output ceiling twice, as `max_completion_tokens` and as
// `max_tokens`. Servers disagree on which wins: OpenAI and vLLM take `max_completion_tokens`, many
// OpenAI-compatible servers know only `max_tokens` (DeepSeek's API documents no other). The hold must
// bound what the upstream may generate whichever it reads (docs/design.md invariant 6): before, it
// held the `max_completion_tokens` alone, so `{max_completion_tokens: 1, max_tokens: 4000}` on such
// a server got 4,000 tokens for the price of one, the rest written off.
import request from 'supertest';
import { DataSource } from 'typeorm';
import {
  chatCompletionBody,
  fund,
  sdk,
  seedTenantWithToken,
  startLoopbackUpstream,
  startRelay,
  usageRecordsStored,
  type LoopbackUpstream,
  type Relay,
} from './relay-fixture';

/** An OpenAI-compatible server that knows only `max_tokens`: it writes that many tokens (else 50). */
function startMaxTokensOnlyUpstream(): Promise<LoopbackUpstream> {
  return startLoopbackUpstream((_req, raw, res) => {
    const body = JSON.parse(raw.toString('utf8')) as { max_tokens?: number };
    const tokens = body.max_tokens ?? 50;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify(
        chatCompletionBody(
          { prompt_tokens: 5, completion_tokens: tokens, total_tokens: 5 + tokens },
          'length',
        ),
      ),
    );
  });
}

describe('output ceilings a client sends twice', () => {
  let relay: Relay;
  let upstream: LoopbackUpstream;

  beforeAll(async () => {
    upstream = await startMaxTokensOnlyUpstream();
    relay = await startRelay('relay_output_ceilings', { ingestor: true });
    const { api, admin } = relay;
    const created = await request(api.url)
      .post('/api/channels')
      .set('authorization', `Bearer ${admin}`)
      .send({
        name: 'deepseek',
        type: 'openai',
        baseUrl: upstream.baseUrl,
        models: ['deepseek-chat'],
        groups: ['default'],
      })
      .expect(201);
    await request(api.url)
      .post(`/api/channels/${(created.body as { id: string }).id}/keys`)
      .set('authorization', `Bearer ${admin}`)
      .send({ key: 'sk-deepseek-0001' })
      .expect(201);
    // 1,000 nano-USD an output token, prompts free.
    await request(api.url)
      .put('/api/models/deepseek-chat/price')
      .set('authorization', `Bearer ${admin}`)
      .send({ inputPer1M: '0', outputPer1M: '1' })
      .expect(200);
  });
  afterAll(async () => {
    await relay?.close();
    await upstream?.close();
  });

  it('holds the larger of max_completion_tokens and max_tokens, so what the upstream wrote is charged', async () => {
    const { api, admin } = relay;
    const { key, tenantId } = await seedTenantWithToken(api, admin);
    await fund(api, tenantId, '1');
    const answer = await sdk(api, key).chat.completions.create({
      model: 'deepseek-chat',
      messages: [{ role: 'user', content: 'write a lot' }],
      max_completion_tokens: 1,
      max_tokens: 4000,
    });
    expect(answer.usage?.completion_tokens).toBe(4000);

    await usageRecordsStored(api, tenantId, 1);
    const [row] = (await api.app.get(DataSource).query(
      `SELECT cost_nano AS cost, written_off_nano AS "writtenOff",
              (SELECT balance_nano FROM tenant_balances WHERE tenant_id = $1) AS balance
         FROM usage_records WHERE tenant_id = $1`,
      [tenantId],
    )) as { cost: string; writtenOff: string; balance: string }[];
    expect(row).toEqual({ cost: '4000000', writtenOff: '0', balance: String(1_000_000_000 - 4_000_000) });
  });

  it('moves a lone max_completion_tokens to max_tokens for a server that reads only that', async () => {
    const { api, admin } = relay;
    const { key, tenantId } = await seedTenantWithToken(api, admin);
    await fund(api, tenantId, '1');
    // Left in max_completion_tokens, the server ignored it and wrote its own default length (50
    // here, thousands at DeepSeek) for the price of the one token held, the rest written off.
    const answer = await sdk(api, key).chat.completions.create({
      model: 'deepseek-chat',
      messages: [{ role: 'user', content: 'write a lot' }],
      max_completion_tokens: 1,
    });
    expect(answer.usage?.completion_tokens).toBe(1);
    await usageRecordsStored(api, tenantId, 1);
    const [row] = (await api.app
      .get(DataSource)
      .query(
        `SELECT cost_nano AS cost, written_off_nano AS "writtenOff" FROM usage_records WHERE tenant_id = $1`,
        [tenantId],
      )) as { cost: string; writtenOff: string }[];
    expect(row).toEqual({ cost: '1000', writtenOff: '0' });
  });

  it('refuses the request when the balance covers the smaller ceiling but not the larger', async () => {
    const { api, admin } = relay;
    const { key, tenantId } = await seedTenantWithToken(api, admin);
    // Covers 1,000 output tokens, not 4,000.
    await fund(api, tenantId, '0.001');
    const error = await sdk(api, key)
      .chat.completions.create({
        model: 'deepseek-chat',
        messages: [{ role: 'user', content: 'write a lot' }],
        max_completion_tokens: 1,
        max_tokens: 4000,
      })
      .catch((e: unknown) => e as { status?: number });
    expect(error).toMatchObject({ status: 402 });
  });
});
