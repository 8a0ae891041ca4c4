// POST /v1/responses clients (the openai SDK's `client.responses`, unchanged) served by an OpenAI
// channel and an Anthropic channel through the canonical model, against the mock upstream: answers,
// the `response.*` stream, a streamed function call and its output sent back, usage and cost as the
// mock reported them, a broken stream, and the stateless gateway's refusal of `previous_response_id`.
import { usdToNano } from '@gateway/db';
import { startMockUpstream, type MockUpstream, type RecordedRequest } from '@gateway/mock-upstream';
import type { UsageIngestor } from '@gateway/usage';
import OpenAI from 'openai';
import request from 'supertest';
import { startApi, type ApiHarness } from '../api-harness';
import {
  fund,
  sdk,
  seedTenantWithToken,
  startIngestor,
  usageRecord,
  type UsageLogRow,
} from './relay-fixture';

type Upstream = 'openai' | 'anthropic';

const PRICE = { inputPer1M: '1', cachedInputPer1M: '0.5', outputPer1M: '2' };

const WEATHER_TOOL: OpenAI.Responses.FunctionTool = {
  type: 'function',
  name: 'get_weather',
  description: 'the weather',
  parameters: { type: 'object', properties: { mock: { type: 'string' } } },
  strict: false,
};

describe('/v1/responses clients (openai SDK responses → gateway → mock upstream)', () => {
  let api: ApiHarness;
  let mock: MockUpstream;
  let ingestor: UsageIngestor;
  let admin: string;
  let client: OpenAI;

  beforeAll(async () => {
    mock = await startMockUpstream();
    api = await startApi('relay_responses_ingress');
    ingestor = startIngestor(api);
    admin = await api.adminToken();
    const seeded = await seedTenantWithToken(api, admin);
    await fund(api, seeded.tenantId, '10');
    client = sdk(api, seeded.key);
  });

  afterAll(async () => {
    await ingestor?.stop();
    await api?.close();
    await mock?.close();
  });

  beforeEach(() => mock.reset());

  async function channel(type: Upstream, name: string, model: string, channelKey: string): Promise<void> {
    const created = await request(api.url)
      .post('/api/channels')
      .set('authorization', `Bearer ${admin}`)
      .send({
        name,
        type,
        baseUrl: type === 'anthropic' ? mock.baseUrl.replace(/\/v1$/, '') : mock.baseUrl,
        models: [model],
        modelMapping: {},
        groups: ['default'],
        timeoutMs: 10_000,
      })
      .expect(201);
    await request(api.url)
      .post(`/api/channels/${(created.body as { id: string }).id}/keys`)
      .set('authorization', `Bearer ${admin}`)
      .send({ key: channelKey })
      .expect(201);
  }

  function upstreamCalls(): RecordedRequest[] {
    return mock.requests.filter((r) => r.method === 'POST');
  }

  function upstreamCall(): RecordedRequest {
    const calls = upstreamCalls();
    expect(calls).toHaveLength(1);
    return calls[0] as RecordedRequest;
  }

  function expectBilledAsReported(record: UsageLogRow, recorded: RecordedRequest): void {
    const usage = recorded.usage;
    expect(usage).toBeDefined();
    if (usage === undefined) return;
    const cached = usage.cache_read_tokens ?? 0;
    if (recorded.path === '/v1/messages') expect(cached).toBe(2);
    expect(record).toMatchObject({
      promptTokens: usage.prompt_tokens,
      completionTokens: usage.completion_tokens,
      cachedTokens: cached,
      usageSource: 'upstream',
      status: 200,
    });
    const nano = (usage.prompt_tokens - cached) * 1000 + cached * 500 + usage.completion_tokens * 2000;
    expect(usdToNano(record.costUsd)).toBe(BigInt(nano));
  }

  const setups: Array<{ type: Upstream; key: string; path: string }> = [
    { type: 'openai', key: 'sk-mock-responses', path: '/v1/chat/completions' },
    { type: 'anthropic', key: 'sk-ant-mock;cacheRead=2;cacheWrite=1', path: '/v1/messages' },
  ];

  describe.each(setups)('served by an $type channel', ({ type, key: channelKey, path }) => {
    const model = `r-${type}`;

    beforeAll(async () => {
      await channel(type, `ch-${type}`, model, channelKey);
      await request(api.url)
        .put(`/api/models/${model}/price`)
        .set('authorization', `Bearer ${admin}`)
        .send(PRICE)
        .expect(200);
      await channel(type, `ch-${type}-tool`, `${model}-tool`, `${channelKey};tool=1;chunks=6`);
      await channel(type, `ch-${type}-drop`, `${model}-drop`, `${channelKey};drop=6`);
    });

    it('answers a non-stream request as a Response, asking upstream for the client max_output_tokens', async () => {
      const { data, response } = await client.responses
        .create({ model, instructions: 'be brief', input: 'hello there', max_output_tokens: 40 })
        .withResponse();
      expect(data.object).toBe('response');
      expect(data.status).toBe('completed');
      expect(data.output_text).toMatch(/^alpha bravo/);
      expect(response.headers.get('x-routed-via')).toBe(`ch-${type}/${model}`);
      const recorded = upstreamCall();
      expect(recorded.path).toBe(path);
      expect((recorded.body as Record<string, unknown>)['max_tokens']).toBe(40);
      expect(data.usage?.output_tokens).toBe(recorded.usage?.completion_tokens);
      const record = await usageRecord(api, admin, response.headers.get('x-request-id') as string);
      expectBilledAsReported(record, recorded);
    });

    it('streams the response.* events, text joining to the answer, billed as reported', async () => {
      const { data: stream, response } = await client.responses
        .create({ model, input: 'hello there', max_output_tokens: 5, stream: true })
        .withResponse();
      const types: string[] = [];
      let text = '';
      let completed: OpenAI.Responses.Response | undefined;
      for await (const event of stream) {
        types.push(event.type);
        if (event.type === 'response.output_text.delta') text += event.delta;
        if (event.type === 'response.incomplete' || event.type === 'response.completed')
          completed = event.response;
      }
      expect(types[0]).toBe('response.created');
      expect(text).toBe('alpha bravo charlie delta echo');
      // max_output_tokens reached: Responses calls that incomplete.
      expect(types.at(-1)).toBe('response.incomplete');
      expect(completed?.usage?.output_tokens).toBe(5);
      const recorded = upstreamCall();
      const record = await usageRecord(api, admin, response.headers.get('x-request-id') as string);
      expectBilledAsReported(record, recorded);
      expect(record.stream).toBe(true);
    });

    it('streams a function call the SDK reassembles, and carries its output back upstream', async () => {
      const final = await client.responses
        .stream({ model: `${model}-tool`, input: 'what is the weather', tools: [WEATHER_TOOL] })
        .finalResponse();
      const call = final.output.find((item) => item.type === 'function_call');
      expect(call?.type).toBe('function_call');
      if (call?.type !== 'function_call') return;
      expect(call.name).toBe('get_weather');
      expect(JSON.parse(call.arguments)).toEqual({ mock: expect.stringMatching(/^alpha bravo/) });

      mock.reset();
      const answer = await client.responses.create({
        model,
        tools: [WEATHER_TOOL],
        input: [
          { role: 'user', content: 'what is the weather' },
          { type: 'function_call', call_id: call.call_id, name: call.name, arguments: call.arguments },
          { type: 'function_call_output', call_id: call.call_id, output: 'sunny' },
        ],
      });
      expect(answer.output_text).toMatch(/^alpha bravo/);
      const body = upstreamCall().body as { messages: Array<Record<string, unknown>>; max_tokens?: number };
      // No max_output_tokens: the upstream is asked for no more than the gateway held.
      expect(body.max_tokens).toBe(api.config.BILLING_DEFAULT_MAX_TOKENS);
      if (type === 'openai') {
        expect(body.messages[2]).toEqual({ role: 'tool', tool_call_id: call.call_id, content: 'sunny' });
      } else {
        expect(body.messages[2]).toEqual({
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: call.call_id, content: [{ type: 'text', text: 'sunny' }] },
          ],
        });
      }
    });

    it('ends a stream the upstream cut with error and response.failed, never response.completed', async () => {
      const { data: stream, response } = await client.responses
        .create({ model: `${model}-drop`, input: 'hello', stream: true })
        .withResponse();
      const types: string[] = [];
      let failed: OpenAI.Responses.ResponseFailedEvent | undefined;
      for await (const event of stream) {
        types.push(event.type);
        if (event.type === 'response.failed') failed = event;
      }
      // Like OpenAI's own: an `error` event, then response.failed; never completed.
      expect(types.slice(-2)).toEqual(['error', 'response.failed']);
      expect(types).not.toContain('response.completed');
      expect(failed?.response.error?.message).toBe('the upstream closed the stream before it finished');
      const record = await usageRecord(api, admin, response.headers.get('x-request-id') as string);
      expect(record).toMatchObject({ status: 502, errorCode: 'upstream_error' });
    });
  });

  it('refuses previous_response_id with a 400 naming it (the gateway keeps no responses)', async () => {
    const error = await client.responses
      .create({ model: 'r-openai', input: 'and then?', previous_response_id: 'resp_123' })
      .then(
        () => undefined,
        (e: unknown) => e as InstanceType<typeof OpenAI.APIError>,
      );
    expect(error?.status).toBe(400);
    expect(error?.param).toBe('previous_response_id');
    expect(error?.message).toContain('previous_response_id');
    expect(upstreamCalls()).toHaveLength(0);
  });

  it("answers gateway errors in OpenAI's shape", async () => {
    const error = await client.responses.create({ model: 'no-such-model', input: 'hi' }).then(
      () => undefined,
      (e: unknown) => e as InstanceType<typeof OpenAI.APIError>,
    );
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect(error?.param).toBe('model');
  });
});
