// /v1/chat/completions clients served by Anthropic, Gemini and Azure OpenAI channels, through the
// official OpenAI SDK against the mock upstream speaking each provider's own format: answers,
// streams, streamed tool calls, usage and cost as the mock reported them, and failover across formats.
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

type Upstream = 'anthropic' | 'gemini' | 'azure-openai';

/** Where each format's key travels; never the URL. */
const KEY_HEADER: Record<Upstream, string> = {
  anthropic: 'x-api-key',
  gemini: 'x-goog-api-key',
  'azure-openai': 'api-key',
};

const PRICE = { inputPer1M: '1', cachedInputPer1M: '0.5', outputPer1M: '2' };

describe('chat completions clients served by other formats (openai SDK → gateway → mock upstream)', () => {
  let api: ApiHarness;
  let mock: MockUpstream;
  let ingestor: UsageIngestor;
  let admin: string;
  let client: OpenAI;
  let origin: string;

  beforeAll(async () => {
    mock = await startMockUpstream();
    // Anthropic's and Gemini's base URLs carry no version segment (the presets say so); Azure's neither.
    origin = mock.baseUrl.replace(/\/v1$/, '');
    api = await startApi('relay_cross_format');
    ingestor = startIngestor(api);
    admin = await api.adminToken();
    const { key, tenantId } = await seedTenantWithToken(api, admin);
    await fund(api, tenantId, '10');
    client = sdk(api, key);
  });

  afterAll(async () => {
    await ingestor?.stop();
    await api?.close();
    await mock?.close();
  });

  beforeEach(() => mock.reset());

  async function channel(
    type: Upstream,
    name: string,
    model: string,
    key: string,
    extra: { priority?: number; modelMapping?: Record<string, string>; settings?: object } = {},
  ): Promise<void> {
    const created = await request(api.url)
      .post('/api/channels')
      .set('authorization', `Bearer ${admin}`)
      .send({
        name,
        type,
        baseUrl: origin,
        models: [model],
        modelMapping: extra.modelMapping ?? {},
        priority: extra.priority ?? 0,
        groups: ['default'],
        timeoutMs: 10_000,
        ...(extra.settings ? { settings: extra.settings } : {}),
      })
      .expect(201);
    await request(api.url)
      .post(`/api/channels/${(created.body as { id: string }).id}/keys`)
      .set('authorization', `Bearer ${admin}`)
      .send({ key })
      .expect(201);
  }

  async function price(model: string): Promise<void> {
    await request(api.url)
      .put(`/api/models/${model}/price`)
      .set('authorization', `Bearer ${admin}`)
      .send(PRICE)
      .expect(200);
  }

  /** The one generation request the mock saw (model listings and the like excluded). */
  function upstreamCall(): RecordedRequest {
    const calls = mock.requests.filter((r) => r.method === 'POST');
    expect(calls).toHaveLength(1);
    return calls[0] as RecordedRequest;
  }

  function expectKeyInHeader(type: Upstream, recorded: RecordedRequest, key: string): void {
    expect(recorded.headers[KEY_HEADER[type]]).toBe(key);
    expect(recorded.path).not.toContain(key.split(';')[0] as string);
    if (type !== 'azure-openai') expect(recorded.headers['authorization']).toBeUndefined();
  }

  /** Usage and cost in the record equal what the mock reported, at PRICE. */
  function expectBilledAsReported(record: UsageLogRow, recorded: RecordedRequest): void {
    const usage = recorded.usage;
    expect(usage).toBeDefined();
    if (usage === undefined) return;
    const cached = usage.cache_read_tokens ?? 0;
    // The Anthropic and Gemini channel keys ask for cache reads (Anthropic's for writes too): they
    // must show (the mock's OpenAI format reports no cache).
    if (!recorded.path.startsWith('/openai/')) expect(cached).toBe(2);
    if (recorded.path === '/v1/messages') expect(usage.cache_write_tokens).toBe(1);
    expect(record).toMatchObject({
      promptTokens: usage.prompt_tokens,
      completionTokens: usage.completion_tokens,
      cachedTokens: cached,
      reasoningTokens: usage.reasoning_tokens ?? 0,
      usageSource: 'upstream',
      status: 200,
    });
    // USD per 1M tokens = 1000 nano-USD per token at 1, 500 at 0.5, 2000 at 2.
    const nano = (usage.prompt_tokens - cached) * 1000 + cached * 500 + usage.completion_tokens * 2000;
    expect(usdToNano(record.costUsd)).toBe(BigInt(nano));
  }

  const setups: Array<{
    type: Upstream;
    /** The key with the mock's options: cache counts where the format reports them. */
    key: string;
    extra?: { modelMapping?: Record<string, string>; settings?: object };
    path: (model: string) => string;
  }> = [
    {
      type: 'anthropic',
      key: 'sk-ant-mock;cacheRead=2;cacheWrite=1',
      path: () => '/v1/messages',
    },
    {
      type: 'gemini',
      key: 'AIza-mock;cacheRead=2',
      path: (model) => `/v1beta/models/${model}:`,
    },
    {
      type: 'azure-openai',
      key: 'azure-mock-key',
      extra: { modelMapping: {}, settings: { apiVersion: '2024-10-21' } },
      path: () => '/openai/deployments/',
    },
  ];

  describe.each(setups)('served by $type', ({ type, key, extra, path }) => {
    const model = `x-${type}`;
    const deployment = `dep-${type}`;
    const mapping = type === 'azure-openai' ? { [model]: deployment } : {};

    beforeAll(async () => {
      await channel(type, `ch-${type}`, model, key, { ...extra, modelMapping: mapping });
      await price(model);
      // The mock's options ride in the channel key (the gateway never forwards the client's headers).
      await channel(type, `ch-${type}-tool`, `${model}-tool`, `${key};tool=1;chunks=6`, extra);
      await channel(type, `ch-${type}-drop`, `${model}-drop`, `${key};drop=6`, extra);
    });

    it('answers a non-stream request, sets the held max output, and bills what the upstream reported', async () => {
      const { data, response } = await client.chat.completions
        .create({
          model,
          messages: [
            { role: 'system', content: 'be brief' },
            { role: 'user', content: 'hello there' },
          ],
        })
        .withResponse();
      expect(data.object).toBe('chat.completion');
      expect(data.choices[0]?.message.content).toMatch(/^alpha bravo/);
      expect(data.choices[0]?.finish_reason).toBe('stop');
      expect(response.headers.get('x-routed-via')).toBe(
        `ch-${type}/${type === 'azure-openai' ? deployment : model}`,
      );

      const recorded = upstreamCall();
      expect(recorded.path.startsWith(path(type === 'azure-openai' ? deployment : model))).toBe(true);
      expectKeyInHeader(type, recorded, key);
      const body = recorded.body as Record<string, unknown>;
      const held = api.config.BILLING_DEFAULT_MAX_TOKENS;
      if (type === 'anthropic') expect(body['max_tokens']).toBe(held);
      if (type === 'gemini') expect(body['generationConfig']).toMatchObject({ maxOutputTokens: held });
      // Azure passes the client's body through: nothing added the client did not ask for but usage
      // and the held output ceiling.
      if (type === 'azure-openai') {
        expect(body['model']).toBeUndefined();
        expect(body['max_tokens']).toBe(held);
        expect(body).not.toHaveProperty('max_completion_tokens');
      }

      expect(data.usage?.prompt_tokens).toBe(recorded.usage?.prompt_tokens);
      const record = await usageRecord(api, admin, response.headers.get('x-request-id') as string);
      expectBilledAsReported(record, recorded);
    });

    it('streams text that joins to the non-stream answer, with the usage chunk asked for, ending cleanly', async () => {
      const { data: stream, response } = await client.chat.completions
        .create({
          model,
          messages: [{ role: 'user', content: 'hello there' }],
          max_tokens: 5,
          stream: true,
          stream_options: { include_usage: true },
        })
        .withResponse();
      let text = '';
      let finish: string | null = null;
      let usage: OpenAI.CompletionUsage | null | undefined;
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? '';
        finish = chunk.choices[0]?.finish_reason ?? finish;
        if (chunk.usage) usage = chunk.usage;
      }
      expect(text).toBe('alpha bravo charlie delta echo');
      expect(finish).toBe('length');
      const recorded = upstreamCall();
      expectKeyInHeader(type, recorded, key);
      expect(usage?.completion_tokens).toBe(5);
      expect(usage?.prompt_tokens).toBe(recorded.usage?.prompt_tokens);
      const record = await usageRecord(api, admin, response.headers.get('x-request-id') as string);
      expectBilledAsReported(record, recorded);
      expect(record.stream).toBe(true);
      expect(record.ttftMs).not.toBeNull();
    });

    it('streams a tool call the SDK reassembles', async () => {
      const stream = client.chat.completions.stream({
        model: `${model}-tool`,
        messages: [{ role: 'user', content: 'what is the weather' }],
        tools: [
          {
            type: 'function',
            function: {
              name: 'get_weather',
              description: 'the weather',
              parameters: { type: 'object', properties: { mock: { type: 'string' } } },
            },
          },
        ],
      });
      const final = await stream.finalChatCompletion();
      const call = final.choices[0]?.message.tool_calls?.[0];
      expect(final.choices[0]?.finish_reason).toBe('tool_calls');
      expect(call?.type).toBe('function');
      if (call?.type !== 'function') return;
      expect(call.function.name).toBe('get_weather');
      expect(call.id).not.toBe('');
      expect(JSON.parse(call.function.arguments)).toEqual({ mock: expect.stringMatching(/^alpha bravo/) });
    });

    it('ends a stream that the upstream cut with an error chunk, never [DONE]', async () => {
      const { data: stream, response } = await client.chat.completions
        .create({ model: `${model}-drop`, messages: [{ role: 'user', content: 'hello' }], stream: true })
        .withResponse();
      const error = await (async () => {
        for await (const _chunk of stream) {
          // reading until it breaks
        }
      })().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(OpenAI.APIError);
      expect((error as InstanceType<typeof OpenAI.APIError>).message).toBe(
        'the upstream closed the stream before it finished',
      );
      const record = await usageRecord(api, admin, response.headers.get('x-request-id') as string);
      expect(record).toMatchObject({ status: 502, errorCode: 'upstream_error' });
    });
  });

  it("refuses legacy completions and embeddings for a model only another format serves, naming 'model'", async () => {
    const error = await client.embeddings.create({ model: 'x-gemini', input: 'hello' }).then(
      () => undefined,
      (e: unknown) => e as InstanceType<typeof OpenAI.APIError>,
    );
    expect(error?.status).toBe(400);
    expect(error?.param).toBe('model');
    expect(error?.message).toContain('/v1/chat/completions');
    expect(mock.requests).toHaveLength(0);
  });

  it("answers Gemini's blocked prompt as the client's 400, streamed or not, without trying another channel", async () => {
    await channel('gemini', 'ch-blocked', 'x-blocked', 'AIza-mock;blocked=1', { priority: 10 });
    await channel('anthropic', 'ch-unblocked', 'x-blocked', 'sk-ant-mock');
    for (const stream of [false, true]) {
      mock.reset();
      const error = await client.chat.completions
        .create({ model: 'x-blocked', messages: [{ role: 'user', content: 'hello' }], stream })
        .then(
          () => undefined,
          (e: unknown) => e as InstanceType<typeof OpenAI.APIError>,
        );
      expect(error?.status).toBe(400);
      expect(error?.message).toMatch(/SAFETY/);
      expect(error?.param).toBe('messages');
      expect(mock.requests.map((r) => r.path)).toEqual([
        `/v1beta/models/x-blocked:${stream ? 'streamGenerateContent' : 'generateContent'}`,
      ]);
    }
  });

  it('fails over from an overloaded Anthropic channel (529) to a Gemini channel', async () => {
    await channel('anthropic', 'ch-overloaded', 'x-failover', 'sk-ant-mock;status=529', { priority: 10 });
    await channel('gemini', 'ch-rescue', 'x-failover', 'AIza-rescue');
    const { data, response } = await client.chat.completions
      .create({ model: 'x-failover', messages: [{ role: 'user', content: 'hello' }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toMatch(/^alpha bravo/);
    expect(response.headers.get('x-routed-via')).toBe('ch-rescue/x-failover');
    expect(response.headers.get('x-fallback-attempts')).toBe('1');
    expect(mock.requests.map((r) => r.path)).toEqual([
      '/v1/messages',
      '/v1beta/models/x-failover:generateContent',
    ]);
    const record = await usageRecord(api, admin, response.headers.get('x-request-id') as string);
    expect(record.fallbacks).toEqual([
      expect.objectContaining({ channelName: 'ch-overloaded', status: 529, code: 'server_error' }),
    ]);
  });

  it('fails over from an Anthropic stream that errors before any content (after message_start)', async () => {
    await channel('anthropic', 'ch-stream-overloaded', 'x-stream-failover', 'sk-ant-mock;streamError=0', {
      priority: 10,
    });
    await channel('gemini', 'ch-stream-rescue', 'x-stream-failover', 'AIza-rescue');
    const { data: stream, response } = await client.chat.completions
      .create({ model: 'x-stream-failover', messages: [{ role: 'user', content: 'hello' }], stream: true })
      .withResponse();
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toMatch(/^alpha bravo/);
    expect(response.headers.get('x-routed-via')).toBe('ch-stream-rescue/x-stream-failover');
    expect(response.headers.get('x-fallback-attempts')).toBe('1');
    expect(mock.requests.map((r) => r.path)).toEqual([
      '/v1/messages',
      '/v1beta/models/x-stream-failover:streamGenerateContent',
    ]);
  });
});
