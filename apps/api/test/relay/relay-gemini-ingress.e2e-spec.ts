// POST /v1beta/models/{model}:generateContent and :streamGenerateContent?alt=sse for `@google/genai`
// (unchanged) served by OpenAI, Anthropic and Gemini channels against the mock upstream: answers,
// streams, a function call and its response sent back, usage and cost as the mock reported them,
// the key in x-goog-api-key or ?key=, and errors in Google's shape.
import type * as GenAI from '@google/genai' with { 'resolution-mode': 'import' };
import { usdToNano } from '@gateway/db';
import { startMockUpstream, type MockUpstream, type RecordedRequest } from '@gateway/mock-upstream';
import type { UsageIngestor } from '@gateway/usage';
import request from 'supertest';
import { startApi, type ApiHarness } from '../api-harness';
import { fund, seedTenantWithToken, startIngestor, usageRecord, type UsageLogRow } from './relay-fixture';

// @google/genai's Node types are ESM-only while the tests compile to CommonJS: types by a type
// import, the code by require (the package's own CommonJS build).
const genai = require('@google/genai') as typeof GenAI;

type Upstream = 'openai' | 'anthropic' | 'gemini';

const PRICE = { inputPer1M: '1', cachedInputPer1M: '0.5', outputPer1M: '2' };

const WEATHER_TOOL = {
  functionDeclarations: [
    {
      name: 'get_weather',
      description: 'the weather',
      parameters: { type: genai.Type.OBJECT, properties: { mock: { type: genai.Type.STRING } } },
    },
  ],
};

describe('Gemini clients (@google/genai → gateway → mock upstream)', () => {
  let api: ApiHarness;
  let mock: MockUpstream;
  let ingestor: UsageIngestor;
  let admin: string;
  let key: string;
  let client: GenAI.GoogleGenAI;

  beforeAll(async () => {
    mock = await startMockUpstream();
    api = await startApi('relay_gemini_ingress');
    ingestor = startIngestor(api);
    admin = await api.adminToken();
    const seeded = await seedTenantWithToken(api, admin);
    key = seeded.key;
    await fund(api, seeded.tenantId, '10');
    client = google(key);
  });

  afterAll(async () => {
    await ingestor?.stop();
    await api?.close();
    await mock?.close();
  });

  beforeEach(() => mock.reset());

  function google(apiKey: string): GenAI.GoogleGenAI {
    return new genai.GoogleGenAI({
      apiKey,
      httpOptions: {
        baseUrl: api.url,
        retryOptions: { attempts: 1 },
        // Under Jest the SDK's own fetch fails every request (a realm mismatch); the test's works.
        fetch: (input, init) => fetch(input, init),
      },
    });
  }

  async function channel(type: Upstream, name: string, model: string, channelKey: string): Promise<void> {
    const created = await request(api.url)
      .post('/api/channels')
      .set('authorization', `Bearer ${admin}`)
      .send({
        name,
        type,
        // Anthropic's and Gemini's base URLs carry no version segment (the presets say so).
        baseUrl: type === 'openai' ? mock.baseUrl : mock.baseUrl.replace(/\/v1$/, ''),
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

  function upstreamCall(): RecordedRequest {
    const calls = mock.requests.filter((r) => r.method === 'POST');
    expect(calls).toHaveLength(1);
    return calls[0] as RecordedRequest;
  }

  function expectBilledAsReported(record: UsageLogRow, recorded: RecordedRequest): void {
    const usage = recorded.usage;
    expect(usage).toBeDefined();
    if (usage === undefined) return;
    const cached = usage.cache_read_tokens ?? 0;
    if (!recorded.path.startsWith('/v1/chat')) expect(cached).toBe(2);
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

  const setups: Array<{ type: Upstream; key: string; path: (model: string) => string }> = [
    { type: 'openai', key: 'sk-mock-gemini-ingress', path: () => '/v1/chat/completions' },
    { type: 'anthropic', key: 'sk-ant-mock;cacheRead=2;cacheWrite=1', path: () => '/v1/messages' },
    { type: 'gemini', key: 'AIza-mock;cacheRead=2', path: (model) => `/v1beta/models/${model}:` },
  ];

  describe.each(setups)('served by a $type channel', ({ type, key: channelKey, path }) => {
    const model = `g-${type}`;

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

    it("ends a stream the upstream cut with Google's error, never a finished candidate", async () => {
      const stream = await client.models.generateContentStream({ model: `${model}-drop`, contents: 'hello' });
      const finishes: string[] = [];
      let requestId: string | undefined;
      const error = await (async () => {
        for await (const chunk of stream) {
          requestId ??= chunk.sdkHttpResponse?.headers?.['x-request-id'];
          const finish = chunk.candidates?.[0]?.finishReason;
          if (finish !== undefined) finishes.push(finish);
        }
      })().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(Error);
      expect(String(error)).toContain('the upstream closed the stream before it finished');
      expect(finishes).toEqual([]);
      const record = await usageRecord(api, admin, requestId as string);
      expect(record).toMatchObject({ status: 502, errorCode: 'upstream_error' });
    });

    it('answers generateContent in Gemini format, billed as reported', async () => {
      const answer = await client.models.generateContent({
        model,
        contents: [{ role: 'user', parts: [{ text: 'hello there' }] }],
        config: { systemInstruction: 'be brief', maxOutputTokens: 40 },
      });
      expect(answer.text).toMatch(/^alpha bravo/);
      expect(answer.candidates?.[0]?.finishReason).toBe('STOP');
      const headers = answer.sdkHttpResponse?.headers ?? {};
      expect(headers['x-routed-via']).toBe(`ch-${type}/${model}`);
      const recorded = upstreamCall();
      expect(recorded.path.startsWith(path(model))).toBe(true);
      const body = recorded.body as Record<string, unknown>;
      if (type === 'gemini') {
        // Passed through as the client sent it (the model is in the URL).
        expect(body['generationConfig']).toEqual({ maxOutputTokens: 40 });
        expect(recorded.headers['x-goog-api-key']).toBe(channelKey);
      } else {
        expect(body['max_tokens']).toBe(40);
      }
      expect(answer.usageMetadata?.candidatesTokenCount).toBe(recorded.usage?.completion_tokens);
      const record = await usageRecord(api, admin, headers['x-request-id'] as string);
      expectBilledAsReported(record, recorded);
    });

    it('streams with alt=sse, text joining to the answer, billed as reported', async () => {
      const stream = await client.models.generateContentStream({
        model,
        contents: 'hello there',
        config: { maxOutputTokens: 5 },
      });
      let text = '';
      let finish: string | undefined;
      let requestId: string | undefined;
      for await (const chunk of stream) {
        text += chunk.text ?? '';
        finish = chunk.candidates?.[0]?.finishReason ?? finish;
        requestId ??= chunk.sdkHttpResponse?.headers?.['x-request-id'];
      }
      expect(text).toBe('alpha bravo charlie delta echo');
      expect(finish).toBe('MAX_TOKENS');
      const recorded = upstreamCall();
      const record = await usageRecord(api, admin, requestId as string);
      expectBilledAsReported(record, recorded);
      expect(record.stream).toBe(true);
    });

    it('streams a function call the SDK reads, and carries its response back upstream', async () => {
      const stream = await client.models.generateContentStream({
        model: `${model}-tool`,
        contents: 'what is the weather',
        config: { tools: [WEATHER_TOOL] },
      });
      const calls: GenAI.FunctionCall[] = [];
      for await (const chunk of stream) calls.push(...(chunk.functionCalls ?? []));
      expect(calls).toHaveLength(1);
      const call = calls[0] as GenAI.FunctionCall;
      expect(call.name).toBe('get_weather');
      expect(call.args).toEqual({ mock: expect.stringMatching(/^alpha bravo/) });

      mock.reset();
      const answer = await client.models.generateContent({
        model,
        contents: [
          { role: 'user', parts: [{ text: 'what is the weather' }] },
          { role: 'model', parts: [{ functionCall: call }] },
          {
            role: 'user',
            parts: [{ functionResponse: { name: 'get_weather', response: { sky: 'sunny' } } }],
          },
        ],
        config: { tools: [WEATHER_TOOL] },
      });
      expect(answer.text).toMatch(/^alpha bravo/);
      const body = upstreamCall().body as Record<string, unknown>;
      expect(JSON.stringify(body)).toContain('sunny');
      if (type === 'openai') {
        const messages = body['messages'] as Array<Record<string, unknown>>;
        expect(messages[2]).toMatchObject({ role: 'tool', content: expect.stringContaining('sunny') });
      }
    });
  });

  it('takes the key from ?key= as well as x-goog-api-key', async () => {
    const res = await request(api.url)
      .post(`/v1beta/models/g-openai:generateContent?key=${encodeURIComponent(key)}`)
      .send({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] })
      .expect(200);
    expect((res.body as { candidates: unknown[] }).candidates).toHaveLength(1);
  });

  it("answers gateway errors in Google's shape", async () => {
    const error = await google('sk-wrong')
      .models.generateContent({ model: 'g-openai', contents: 'hi' })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(genai.ApiError);
    expect((error as InstanceType<typeof genai.ApiError>).status).toBe(401);

    const unknown = await request(api.url)
      .post('/v1beta/models/no-such-model:generateContent')
      .set('x-goog-api-key', key)
      .send({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] })
      .expect(404);
    expect(unknown.body).toMatchObject({ error: { code: 404, status: 'NOT_FOUND' } });

    const malformed = await request(api.url)
      .post('/v1beta/models/g-openai:generateContent')
      .set('x-goog-api-key', key)
      .set('content-type', 'application/json')
      .send('{"contents": ')
      .expect(400);
    expect(malformed.body).toMatchObject({ error: { code: 400, status: 'INVALID_ARGUMENT' } });
    expect(mock.requests).toHaveLength(0);
  });
});
