// An upstream's answer is either a success (2xx) or an error the providers' classification reads
// (4xx, 5xx). Anything else is neither: a redirect (a base URL that moved; the gateway never follows
// one with a key in it) or a status past 599. Before, a redirect with a JSON body was delivered as a
// 200 completion and billed, and a status past 599 went to the client as it was, its usage event
// refused by the worker (no usage record). Now both fail over like a broken answer.
import OpenAI from 'openai';
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

const GOOD = 'sk-status-good-0001';

/** Answers each key `sk-status-<status>-…` with that status and a JSON body; GOOD with a real answer. */
function startStatusUpstream(): Promise<LoopbackUpstream> {
  return startLoopbackUpstream((req, _body, res) => {
    const key = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    if (key !== GOOD) {
      const status = Number(key.split('-')[2]);
      res.writeHead(status, {
        'content-type': 'application/json',
        location: 'https://elsewhere.example/v1',
      });
      res.end(JSON.stringify({ error: { message: `moved or odd: ${status}` } }));
      return;
    }
    const moderation = (req.url ?? '').endsWith('/moderations');
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify(
        moderation
          ? {
              id: 'modr-1',
              model: 'omni-moderation-latest',
              results: [{ flagged: false, categories: {}, category_scores: {} }],
            }
          : chatCompletionBody({ prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 }),
      ),
    );
  });
}

describe('upstream statuses that are neither success nor error', () => {
  let relay: Relay;
  let upstream: LoopbackUpstream;

  beforeAll(async () => {
    upstream = await startStatusUpstream();
    relay = await startRelay('relay_upstream_statuses', { ingestor: true });
  });
  afterAll(async () => {
    await relay?.close();
    await upstream?.close();
  });

  async function channel(name: string, model: string, key: string, priority: number): Promise<void> {
    const { api, admin } = relay;
    const created = await request(api.url)
      .post('/api/channels')
      .set('authorization', `Bearer ${admin}`)
      .send({
        name,
        type: 'openai',
        baseUrl: upstream.baseUrl,
        models: [model],
        groups: ['default'],
        priority,
      })
      .expect(201);
    await request(api.url)
      .post(`/api/channels/${(created.body as { id: string }).id}/keys`)
      .set('authorization', `Bearer ${admin}`)
      .send({ key })
      .expect(201);
    await request(api.url)
      .put(`/api/models/${model}/price`)
      .set('authorization', `Bearer ${admin}`)
      .send({ inputPer1M: '1', outputPer1M: '2' })
      .expect(200);
  }

  async function records(tenantId: string, count: number) {
    await usageRecordsStored(relay.api, tenantId, count);
    return (await relay.api.app
      .get(DataSource)
      .query(
        'SELECT status, cost_nano AS cost, error_code AS "errorCode", fallbacks FROM usage_records WHERE tenant_id = $1',
        [tenantId],
      )) as {
      status: number;
      cost: string;
      errorCode: string | null;
      fallbacks: { status: number | null; code: string }[];
    }[];
  }

  it.each([302, 307, 600, 799])('fails over from a %d answer to the next candidate', async (status) => {
    const model = `m-${status}`;
    await channel(`odd-${status}`, model, `sk-status-${status}-0001`, 10);
    await channel(`good-${status}`, model, GOOD, 0);
    const { key, tenantId } = await seedTenantWithToken(relay.api, relay.admin);
    await fund(relay.api, tenantId, '1');
    const { data, response } = await sdk(relay.api, key)
      .chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe('ok');
    expect(response.headers.get('x-fallback-attempts')).toBe('1');
    // 3 prompt tokens at 1,000 nano and 1 output token at 2,000: the good answer alone.
    expect(await records(tenantId, 1)).toEqual([
      {
        status: 200,
        cost: '5000',
        errorCode: null,
        fallbacks: [expect.objectContaining({ status: status < 600 ? status : null, code: 'bad_response' })],
      },
    ]);
  });

  it('answers 502 when only such answers come, recorded and not billed', async () => {
    await channel('odd-only', 'm-odd-only', 'sk-status-302-0002', 0);
    const { key, tenantId } = await seedTenantWithToken(relay.api, relay.admin);
    await fund(relay.api, tenantId, '1');
    const error = await sdk(relay.api, key)
      .chat.completions.create({ model: 'm-odd-only', messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
    expect(await records(tenantId, 1)).toEqual([
      expect.objectContaining({ status: 502, cost: '0', errorCode: 'upstream_error' }),
    ]);
  });

  it('a media route fails over the same way', async () => {
    await channel('odd-moderation', 'omni-moderation-latest', 'sk-status-799-0003', 10);
    await channel('good-moderation', 'omni-moderation-latest', GOOD, 0);
    const { key, tenantId } = await seedTenantWithToken(relay.api, relay.admin);
    await fund(relay.api, tenantId, '1');
    const answer = await sdk(relay.api, key).moderations.create({
      model: 'omni-moderation-latest',
      input: 'hi',
    });
    expect(answer.results).toHaveLength(1);
    expect(await records(tenantId, 1)).toEqual([
      expect.objectContaining({
        status: 200,
        fallbacks: [expect.objectContaining({ status: null, code: 'bad_response' })],
      }),
    ]);
  });
});
