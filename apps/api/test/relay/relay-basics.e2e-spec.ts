// The relay through the official OpenAI SDK against the mock upstream: every endpoint, stream and
// non-stream, tools, and the usage record each request leaves.
import type { MockUpstream } from '@gateway/mock-upstream';
import { nanoToUsd } from '@gateway/db';
import { countTextTokens } from '@gateway/providers';
import OpenAI from 'openai';
import request from 'supertest';
import type { ApiHarness } from '../api-harness';
import {
  createChannel,
  fund,
  sdk,
  seedTenantWithToken,
  usageRecord,
  type Relay,
  startRelay,
} from './relay-fixture';

describe('relay basics (openai SDK → gateway → mock upstream)', () => {
  let relay: Relay;
  let api: ApiHarness;
  let mock: MockUpstream;
  let admin: string;
  let client: OpenAI;
  let tokenId: string;

  beforeAll(async () => {
    relay = await startRelay('relay_basics', { ingestor: true });
    ({ api, mock, admin } = relay);
    await createChannel(api, admin, {
      name: 'main',
      baseUrl: mock.baseUrl,
      models: ['gpt-4o-mini', 'text-embedding-3-small', 'gpt-3.5-turbo-instruct', 'fast'],
      modelMapping: { fast: 'gpt-4o-mini' },
      keys: ['sk-mock-main-0001'],
    });
    // The mock answers every request on this key with a call of the request's first tool.
    await createChannel(api, admin, {
      name: 'tools',
      baseUrl: mock.baseUrl,
      models: ['tool-model'],
      keys: ['sk-mock;tool=1'],
    });
    // The mock answers with null content (and, streamed, no content chunks) but still counts tokens.
    await createChannel(api, admin, {
      name: 'nulls',
      baseUrl: mock.baseUrl,
      models: ['null-model'],
      keys: ['sk-mock;null=1'],
    });
    // No usage in answers or streams: the gateway must count.
    await createChannel(api, admin, {
      name: 'silent',
      baseUrl: mock.baseUrl,
      models: ['silent-model'],
      keys: ['sk-mock;usage=0;tokens=30'],
    });
    const seeded = await seedTenantWithToken(api, admin);
    await fund(api, seeded.tenantId, '10');
    tokenId = seeded.tokenId;
    client = sdk(api, seeded.key);
  });

  afterAll(() => relay?.close());

  beforeEach(() => mock.reset());

  it('lists the models the token may use, aliases included', async () => {
    const models = await client.models.list();
    expect(models.data.map((m) => m.id).sort()).toEqual([
      'fast',
      'gpt-3.5-turbo-instruct',
      'gpt-4o-mini',
      'null-model',
      'silent-model',
      'text-embedding-3-small',
      'tool-model',
    ]);
    const one = await client.models.retrieve('fast');
    expect(one.id).toBe('fast');
  });

  it('answers a non-stream chat completion and records exactly the upstream usage', async () => {
    const { data, response } = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello there' }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toEqual(expect.any(String));
    expect(response.headers.get('x-routed-via')).toBe('main/gpt-4o-mini');
    expect(response.headers.get('x-fallback-attempts')).toBeNull();
    const requestId = response.headers.get('x-request-id') as string;
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);

    const upstream = mock.requests[0];
    expect(upstream?.usage).toBeDefined();
    // The client set no limit: the upstream is asked for no more than the hold covers.
    expect(upstream?.body).toMatchObject({ max_tokens: api.config.BILLING_DEFAULT_MAX_TOKENS });
    expect(upstream?.body).not.toHaveProperty('max_completion_tokens');
    const record = await usageRecord(api, admin, requestId);
    expect(record).toMatchObject({
      tokenId,
      model: 'gpt-4o-mini',
      upstreamModel: 'gpt-4o-mini',
      status: 200,
      stream: false,
      usageSource: 'upstream',
      promptTokens: data.usage?.prompt_tokens,
      completionTokens: data.usage?.completion_tokens,
      errorCode: null,
    });
    expect(record.promptTokens).toBe(upstream?.usage?.prompt_tokens);
  });

  it('keeps a client’s own output limit, in the field the upstream model reads', async () => {
    // Many OpenAI-compatible servers ignore max_completion_tokens; every one reads max_tokens, which
    // OpenAI's models but the reasoning ones (o1, o3, gpt-5…) take too.
    await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
      max_completion_tokens: 7,
    });
    expect(mock.requests[0]?.body).toMatchObject({ max_tokens: 7 });
    expect(mock.requests[0]?.body).not.toHaveProperty('max_completion_tokens');
  });

  it.each(['max_tokens', 'max_completion_tokens'])(
    'refuses a %s beyond what a hold can cover with a 400 naming it, before any upstream call',
    async (field) => {
      const refused = await client.chat.completions
        .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], [field]: 2 ** 40 })
        .then(
          () => null,
          (error: unknown) => error,
        );
      expect(refused).toBeInstanceOf(OpenAI.BadRequestError);
      expect(refused).toMatchObject({ status: 400, param: field, type: 'invalid_request_error' });
      expect(mock.requests).toHaveLength(0);
    },
  );

  it('maps an alias to the upstream model and says so in x-routed-via', async () => {
    const { response } = await client.chat.completions
      .create({ model: 'fast', messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    expect(response.headers.get('x-routed-via')).toBe('main/gpt-4o-mini');
    expect((mock.requests[0]?.body as { model: string }).model).toBe('gpt-4o-mini');
  });

  it('streams chunks as they come; asks the upstream for usage and hides that chunk from a client that did not ask', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'count to five' }],
      stream: true,
    });
    let text = '';
    let sawUsage = false;
    for await (const chunk of stream) {
      if (chunk.usage) sawUsage = true;
      text += chunk.choices[0]?.delta.content ?? '';
    }
    expect(text.length).toBeGreaterThan(0);
    expect(sawUsage).toBe(false);
    const sent = mock.requests[0]?.body as { stream_options?: { include_usage?: boolean } };
    expect(sent.stream_options?.include_usage).toBe(true);
  });

  it('passes the usage chunk to a client that asked for it, and records the same numbers with a ttft', async () => {
    const { data: stream, response } = await client.chat.completions
      .create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'stream with usage' }],
        stream: true,
        stream_options: { include_usage: true },
      })
      .withResponse();
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) if (chunk.usage) usage = chunk.usage;
    expect(usage?.completion_tokens).toBe(mock.requests[0]?.usage?.completion_tokens);
    const record = await usageRecord(api, admin, response.headers.get('x-request-id') as string);
    expect(record).toMatchObject({
      stream: true,
      status: 200,
      usageSource: 'upstream',
      promptTokens: usage?.prompt_tokens,
      completionTokens: usage?.completion_tokens,
    });
    expect(record.ttftMs).toEqual(expect.any(Number));
  });

  it('streams tool calls that the SDK reassembles', async () => {
    const runner = client.chat.completions.stream({
      model: 'tool-model',
      messages: [{ role: 'user', content: 'weather in Paris?' }],
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            parameters: { type: 'object', properties: { city: { type: 'string' } } },
          },
        },
      ],
    });
    const final = await runner.finalChatCompletion();
    const call = final.choices[0]?.message.tool_calls?.[0];
    expect(call?.type).toBe('function');
    expect(call?.type === 'function' && call.function.name).toBe('get_weather');
    expect(call?.type === 'function' && JSON.parse(call.function.arguments)).toEqual(expect.any(Object));
    expect(final.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('relays legacy completions and embeddings', async () => {
    const completion = await client.completions.create({
      model: 'gpt-3.5-turbo-instruct',
      prompt: 'Say this',
    });
    expect(completion.choices[0]?.text).toEqual(expect.any(String));
    const embedding = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['a', 'b'] });
    expect(embedding.data).toHaveLength(2);
    expect(embedding.data[0]?.embedding.length).toBeGreaterThan(0);
  });

  it('bills a null-content answer for the tokens the upstream reported', async () => {
    const { data, response } = await client.chat.completions
      .create({ model: 'null-model', messages: [{ role: 'user', content: 'say nothing' }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toBeNull();
    const record = await usageRecord(api, admin, response.headers.get('x-request-id') as string);
    expect(record.completionTokens).toBe(data.usage?.completion_tokens);
    expect(record.completionTokens).toBeGreaterThan(0);
    expect(record.usageSource).toBe('upstream');
  });

  it('counts tokens itself when the upstream reports none, and says so', async () => {
    const { data: stream, response } = await client.chat.completions
      .create({ model: 'silent-model', messages: [{ role: 'user', content: 'tell me' }], stream: true })
      .withResponse();
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text.length).toBeGreaterThan(0);
    const record = await usageRecord(api, admin, response.headers.get('x-request-id') as string);
    expect(record.usageSource).toBe('counted');
    // Counted piece by piece as it streamed, it matches counting the whole text, give or take the
    // tokens that straddle chunk boundaries.
    const whole = countTextTokens(text);
    expect(Math.abs(record.completionTokens - whole)).toBeLessThanOrEqual(Math.ceil(whole * 0.1) + 2);
    expect(record.promptTokens).toBeGreaterThan(0);
  });

  it('ends a stream that asked for usage with the counted usage when the upstream sent none', async () => {
    // OpenAI's include_usage: a last chunk with empty choices and the usage, before [DONE]. The
    // upstream sent none, so the client is told what the gateway counted and billed.
    const { data: stream, response } = await client.chat.completions
      .create({
        model: 'silent-model',
        messages: [{ role: 'user', content: 'tell me' }],
        stream: true,
        stream_options: { include_usage: true },
      })
      .withResponse();
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    const last = chunks.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.object).toBe('chat.completion.chunk');
    expect(last?.id).toBe(chunks[0]?.id);
    expect(last?.model).toBe(chunks[0]?.model);
    expect(chunks.slice(0, -1).every((chunk) => chunk.usage == null)).toBe(true);
    const record = await usageRecord(api, admin, response.headers.get('x-request-id') as string);
    expect(record.usageSource).toBe('counted');
    expect(last?.usage).toMatchObject({
      prompt_tokens: record.promptTokens,
      completion_tokens: record.completionTokens,
      total_tokens: record.promptTokens + record.completionTokens,
    });
    // Legacy completions end the same way.
    const legacy = await client.completions.create({
      model: 'silent-model',
      prompt: 'Say this',
      stream: true,
      stream_options: { include_usage: true },
    });
    const pieces: OpenAI.Completions.Completion[] = [];
    for await (const piece of legacy) pieces.push(piece);
    expect(pieces.at(-1)?.choices).toEqual([]);
    expect(pieces.at(-1)?.object).toBe('text_completion');
    expect(pieces.at(-1)?.usage?.completion_tokens).toBeGreaterThan(0);
  });

  it('prices a request at the model price in force, in exact decimal USD', async () => {
    await request(api.url)
      .put('/api/models/gpt-4o-mini/price')
      .set('authorization', `Bearer ${admin}`)
      .send({ inputPer1M: '0.15', outputPer1M: '0.6' })
      .expect(200);
    const { data, response } = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'price me' }] })
      .withResponse();
    const record = await usageRecord(api, admin, response.headers.get('x-request-id') as string);
    const prompt = BigInt(data.usage?.prompt_tokens ?? 0);
    const completion = BigInt(data.usage?.completion_tokens ?? 0);
    // nano-USD: tokens × price per 1M (in nano) / 1M, rounded half up once.
    const microNano = prompt * 150_000_000n + completion * 600_000_000n;
    const nano = (microNano + 500_000n) / 1_000_000n;
    expect(record.costUsd).toBe(nanoToUsd(nano));
  });

  it('counts relayed requests, upstream attempts and tokens in /metrics', async () => {
    const metrics = (await request(api.url).get('/metrics').expect(200)).text;
    const line = (prefix: string) =>
      Number(
        metrics
          .split('\n')
          .find((l) => l.startsWith(prefix))
          ?.split(' ')
          .pop() ?? NaN,
      );
    expect(
      line(
        'gateway_relay_requests_total{endpoint="chat.completions",model="gpt-4o-mini",status="200",code="none"}',
      ),
    ).toBeGreaterThanOrEqual(3);
    expect(line('gateway_relay_upstream_attempts_total{channel="main",outcome="ok"}')).toBeGreaterThanOrEqual(
      3,
    );
    expect(line('gateway_relay_tokens_total{model="gpt-4o-mini",kind="completion"}')).toBeGreaterThan(0);
  });

  it('passes image parts, response_format and n through to the upstream untouched', async () => {
    const data = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      n: 2,
      response_format: { type: 'json_object' },
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'what is in this image? answer in JSON' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'low' } },
          ],
        },
      ],
    });
    expect(data.choices).toHaveLength(2);
    const sent = mock.requests[0]?.body as Record<string, unknown>;
    expect(sent['n']).toBe(2);
    expect(sent['response_format']).toEqual({ type: 'json_object' });
    expect((sent['messages'] as { content: unknown[] }[])[0]?.content[1]).toEqual({
      type: 'image_url',
      image_url: { url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'low' },
    });
  });
});
