// POST /v1/messages clients (`@anthropic-ai/sdk`, unchanged) served by an OpenAI channel (translated
// through the canonical model) and by an Anthropic channel (the body passed through), against the
// mock upstream: answers, streams, a streamed tool call and its result sent back, usage and cost as
// the mock reported them, broken streams and every gateway error in Anthropic's own shape.
import Anthropic from '@anthropic-ai/sdk';
import { usdToNano } from '@gateway/db';
import { startMockUpstream, type MockUpstream, type RecordedRequest } from '@gateway/mock-upstream';
import type { UsageIngestor } from '@gateway/usage';
import request from 'supertest';
import { startApi, type ApiHarness } from '../api-harness';
import { fund, seedTenantWithToken, startIngestor, usageRecord, type UsageLogRow } from './relay-fixture';

type Upstream = 'openai' | 'anthropic';

const PRICE = { inputPer1M: '1', cachedInputPer1M: '0.5', outputPer1M: '2' };

const WEATHER_TOOL = {
  name: 'get_weather',
  description: 'the weather',
  input_schema: { type: 'object' as const, properties: { mock: { type: 'string' } } },
};

describe('/v1/messages clients (anthropic SDK → gateway → mock upstream)', () => {
  let api: ApiHarness;
  let mock: MockUpstream;
  let ingestor: UsageIngestor;
  let admin: string;
  let key: string;
  let client: Anthropic;

  beforeAll(async () => {
    mock = await startMockUpstream();
    api = await startApi('relay_messages_ingress');
    ingestor = startIngestor(api);
    admin = await api.adminToken();
    const seeded = await seedTenantWithToken(api, admin);
    key = seeded.key;
    await fund(api, seeded.tenantId, '10');
    client = anthropic(key);
  });

  afterAll(async () => {
    await ingestor?.stop();
    await api?.close();
    await mock?.close();
  });

  beforeEach(() => mock.reset());

  function anthropic(apiKey: string | null, options: { bearer?: boolean } = {}): Anthropic {
    return new Anthropic({
      baseURL: api.url,
      maxRetries: 0,
      timeout: 30_000,
      ...(options.bearer ? { apiKey: null, authToken: apiKey } : { apiKey }),
    });
  }

  async function channel(
    type: Upstream,
    name: string,
    model: string,
    channelKey: string,
    priority = 0,
  ): Promise<void> {
    const created = await request(api.url)
      .post('/api/channels')
      .set('authorization', `Bearer ${admin}`)
      .send({
        name,
        type,
        // Anthropic's base URL carries no version segment (the preset says so); OpenAI's does.
        baseUrl: type === 'anthropic' ? mock.baseUrl.replace(/\/v1$/, '') : mock.baseUrl,
        models: [model],
        modelMapping: {},
        priority,
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

  /** Usage and cost in the record equal what the mock reported, at PRICE. */
  function expectBilledAsReported(record: UsageLogRow, recorded: RecordedRequest): void {
    const usage = recorded.usage;
    expect(usage).toBeDefined();
    if (usage === undefined) return;
    const cached = usage.cache_read_tokens ?? 0;
    if (recorded.path === '/v1/messages') {
      expect(cached).toBe(2);
      expect(usage.cache_write_tokens).toBe(1);
    }
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
    { type: 'openai', key: 'sk-mock-openai', path: '/v1/chat/completions' },
    { type: 'anthropic', key: 'sk-ant-mock;cacheRead=2;cacheWrite=1', path: '/v1/messages' },
  ];

  describe.each(setups)('served by an $type channel', ({ type, key: channelKey, path }) => {
    const model = `m-${type}`;

    beforeAll(async () => {
      await channel(type, `ch-${type}`, model, channelKey);
      await request(api.url)
        .put(`/api/models/${model}/price`)
        .set('authorization', `Bearer ${admin}`)
        .send(PRICE)
        .expect(200);
      // The mock's options ride in the channel key (the gateway never forwards the client's headers).
      await channel(type, `ch-${type}-tool`, `${model}-tool`, `${channelKey};tool=1;chunks=6`);
      await channel(type, `ch-${type}-drop`, `${model}-drop`, `${channelKey};drop=6`);
    });

    it('answers a non-stream request in Anthropic format, asking upstream for the held max_tokens, billed as reported', async () => {
      const { data, response } = await client.messages
        .create({
          model,
          max_tokens: 50,
          system: 'be brief',
          messages: [{ role: 'user', content: 'hello there' }],
        })
        .withResponse();
      expect(data.type).toBe('message');
      expect(data.role).toBe('assistant');
      const first = data.content[0];
      expect(first?.type === 'text' ? first.text : '').toMatch(/^alpha bravo/);
      expect(data.stop_reason).toBe('end_turn');
      expect(response.headers.get('x-routed-via')).toBe(`ch-${type}/${model}`);

      const recorded = upstreamCall();
      expect(recorded.path).toBe(path);
      const body = recorded.body as Record<string, unknown>;
      if (type === 'anthropic') {
        // Passed through: the client's own body, the model the channel names.
        expect(body).toEqual({
          model,
          max_tokens: 50,
          system: 'be brief',
          messages: [{ role: 'user', content: 'hello there' }],
        });
        expect(recorded.headers['x-api-key']).toBe(channelKey);
      } else {
        expect(body['max_tokens']).toBe(50);
        expect(body['messages']).toEqual([
          { role: 'system', content: 'be brief' },
          { role: 'user', content: 'hello there' },
        ]);
        expect(recorded.headers['x-api-key']).toBeUndefined();
      }
      expect(data.usage.output_tokens).toBe(recorded.usage?.completion_tokens);
      const record = await usageRecord(api, admin, response.headers.get('x-request-id') as string);
      expectBilledAsReported(record, recorded);
      expect(record).toMatchObject({ model, stream: false });
    });

    it('streams text in Anthropic events that join to the answer, billed as reported', async () => {
      const stream = client.messages.stream({
        model,
        max_tokens: 5,
        messages: [{ role: 'user', content: 'hello there' }],
      });
      const events: string[] = [];
      stream.on('streamEvent', (event) => events.push(event.type));
      const final = await stream.finalMessage();
      const { response } = await stream.withResponse();
      expect(await stream.finalText()).toBe('alpha bravo charlie delta echo');
      expect(final.stop_reason).toBe('max_tokens');
      expect(events[0]).toBe('message_start');
      expect(events.at(-1)).toBe('message_stop');
      const recorded = upstreamCall();
      expect(final.usage.output_tokens).toBe(5);
      const record = await usageRecord(api, admin, response.headers.get('x-request-id') as string);
      expectBilledAsReported(record, recorded);
      expect(record.stream).toBe(true);
      expect(record.ttftMs).not.toBeNull();
    });

    it('streams a tool call the SDK reassembles, and carries its result back upstream', async () => {
      const question: Anthropic.MessageParam = { role: 'user', content: 'what is the weather' };
      const final = await client.messages
        .stream({ model: `${model}-tool`, max_tokens: 100, tools: [WEATHER_TOOL], messages: [question] })
        .finalMessage();
      expect(final.stop_reason).toBe('tool_use');
      const call = final.content.find((block) => block.type === 'tool_use');
      expect(call?.type).toBe('tool_use');
      if (call?.type !== 'tool_use') return;
      expect(call.name).toBe('get_weather');
      expect(call.id).not.toBe('');
      expect(call.input).toEqual({ mock: expect.stringMatching(/^alpha bravo/) });

      mock.reset();
      const answer = await client.messages.create({
        model,
        max_tokens: 100,
        tools: [WEATHER_TOOL],
        messages: [
          question,
          { role: 'assistant', content: final.content },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: 'sunny' }] },
        ],
      });
      expect(answer.stop_reason).toBe('end_turn');
      const body = upstreamCall().body as { messages: Array<Record<string, unknown>> };
      if (type === 'openai') {
        expect(body.messages[1]).toMatchObject({
          role: 'assistant',
          tool_calls: [{ id: call.id, type: 'function', function: { name: 'get_weather' } }],
        });
        expect(body.messages[2]).toEqual({ role: 'tool', tool_call_id: call.id, content: 'sunny' });
      } else {
        expect(body.messages[2]).toEqual({
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: call.id, content: 'sunny' }],
        });
      }
    });

    it("ends a stream the upstream cut with Anthropic's error event, never message_stop", async () => {
      const { data: stream, response } = await client.messages
        .create({
          model: `${model}-drop`,
          max_tokens: 50,
          messages: [{ role: 'user', content: 'hello' }],
          stream: true,
        })
        .withResponse();
      const seen: string[] = [];
      const error = await (async () => {
        for await (const event of stream) seen.push(event.type);
      })().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(Anthropic.APIError);
      expect((error as InstanceType<typeof Anthropic.APIError>).message).toContain(
        'the upstream closed the stream before it finished',
      );
      expect(seen).not.toContain('message_stop');
      const record = await usageRecord(api, admin, response.headers.get('x-request-id') as string);
      expect(record).toMatchObject({ status: 502, errorCode: 'upstream_error' });
    });
  });

  it('authenticates with a Bearer token as well as x-api-key', async () => {
    await channel('openai', 'ch-bearer', 'm-bearer', 'sk-mock-bearer');
    const answer = await anthropic(key, { bearer: true }).messages.create({
      model: 'm-bearer',
      max_tokens: 20,
      messages: [{ role: 'user', content: 'hello' }],
    });
    expect(answer.type).toBe('message');
  });

  it("answers every gateway error in Anthropic's shape: auth, validation, malformed JSON, unknown model", async () => {
    const noKey = await request(api.url)
      .post('/v1/messages')
      .send({ model: 'm-openai', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] })
      .expect(401);
    expect(noKey.body).toMatchObject({
      type: 'error',
      error: { type: 'authentication_error', message: expect.stringContaining('API key') },
    });

    const badKey = await anthropic('sk-wrong')
      .messages.create({ model: 'm-openai', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(badKey).toBeInstanceOf(Anthropic.AuthenticationError);

    const noMax = await request(api.url)
      .post('/v1/messages')
      .set('x-api-key', key)
      .send({ model: 'm-openai', messages: [{ role: 'user', content: 'hi' }] })
      .expect(400);
    expect(noMax.body).toMatchObject({
      type: 'error',
      error: { type: 'invalid_request_error', message: expect.stringContaining('max_tokens') },
    });

    // Refused before the relay (malformed JSON): still Anthropic's shape.
    const malformed = await request(api.url)
      .post('/v1/messages')
      .set('x-api-key', key)
      .set('content-type', 'application/json')
      .send('{"model": ')
      .expect(400);
    expect(malformed.body).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });

    const unknown = await client.messages
      .create({ model: 'no-such-model', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] })
      .then(
        () => undefined,
        (e: unknown) => e as InstanceType<typeof Anthropic.APIError>,
      );
    expect(unknown).toBeInstanceOf(Anthropic.NotFoundError);
    expect(unknown?.error).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
    expect(upstreamCalls()).toHaveLength(0);
  });

  it('fails over from an overloaded Anthropic channel (529) to an OpenAI channel, same answer shape', async () => {
    await channel('anthropic', 'ch-overloaded', 'm-failover', 'sk-ant-mock;status=529', 10);
    await channel('openai', 'ch-rescue', 'm-failover', 'sk-mock-rescue', 0);
    const { data, response } = await client.messages
      .create({ model: 'm-failover', max_tokens: 20, messages: [{ role: 'user', content: 'hello' }] })
      .withResponse();
    expect(data.type).toBe('message');
    expect(response.headers.get('x-routed-via')).toBe('ch-rescue/m-failover');
    expect(response.headers.get('x-fallback-attempts')).toBe('1');
    expect(upstreamCalls().map((r) => r.path)).toEqual(['/v1/messages', '/v1/chat/completions']);
    const record = await usageRecord(api, admin, response.headers.get('x-request-id') as string);
    expect(record.fallbacks).toEqual([
      expect.objectContaining({ channelName: 'ch-overloaded', status: 529, code: 'server_error' }),
    ]);
  });

  it("holds money for the client's max_tokens: a 402 billing_error when the balance cannot cover it", async () => {
    // 0.0001 USD covers 50 output tokens at 2 USD per 1M, not 100000.
    const poor = await seedTenantWithToken(api, admin);
    await fund(api, poor.tenantId, '0.0001');
    const poorClient = anthropic(poor.key);
    const refused = await poorClient.messages
      .create({ model: 'm-openai', max_tokens: 100_000, messages: [{ role: 'user', content: 'hi' }] })
      .then(
        () => undefined,
        (e: unknown) => e as InstanceType<typeof Anthropic.APIError>,
      );
    expect(refused?.status).toBe(402);
    expect(refused?.error).toMatchObject({ type: 'error', error: { type: 'billing_error' } });
    expect(upstreamCalls()).toHaveLength(0);
    const served = await poorClient.messages.create({
      model: 'm-openai',
      max_tokens: 10,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(served.type).toBe('message');
  });

  it("answers a key's rate limit as Anthropic's 429 rate_limit_error", async () => {
    const limited = await seedTenantWithToken(api, admin, { rpm: 1 });
    await fund(api, limited.tenantId, '1');
    const limitedClient = anthropic(limited.key);
    const ask = () =>
      limitedClient.messages.create({
        model: 'm-openai',
        max_tokens: 5,
        messages: [{ role: 'user', content: 'hi' }],
      });
    await ask();
    const error = await ask().then(
      () => undefined,
      (e: unknown) => e as InstanceType<typeof Anthropic.APIError>,
    );
    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
    expect(error?.error).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
    expect(error?.headers?.get('retry-after')).toBeTruthy();
  });

  it("answers an upstream's refusal of the request as Anthropic's invalid_request_error", async () => {
    await channel('anthropic', 'ch-refuses', 'm-refuses', 'sk-ant-mock;status=400');
    const error = await client.messages
      .create({ model: 'm-refuses', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] })
      .then(
        () => undefined,
        (e: unknown) => e as InstanceType<typeof Anthropic.APIError>,
      );
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect(error?.error).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
  });

  it("counts a request's input tokens with the gateway's tokenizer, without calling an upstream", async () => {
    const counted = await client.messages.countTokens({
      model: 'm-openai',
      system: 'be brief',
      messages: [{ role: 'user', content: 'hello there, how are you today?' }],
    });
    expect(counted.input_tokens).toBeGreaterThan(5);
    const shorter = await client.messages.countTokens({
      model: 'm-openai',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(shorter.input_tokens).toBeLessThan(counted.input_tokens);
    expect(upstreamCalls()).toHaveLength(0);
    const unauthenticated = await request(api.url)
      .post('/v1/messages/count_tokens')
      .send({ model: 'm-openai', messages: [{ role: 'user', content: 'hi' }] })
      .expect(401);
    expect(unauthenticated.body).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
  });
});
