// /v1/chat/completions clients and channels of other formats: what the ingress matrix does not
// cover — legacy endpoints refused for a model only other formats serve, Gemini's blocked prompt as
// the client's error, and failover across formats (before an answer, and after Anthropic's
// message_start). Answers, streams, tool calls and billing are in relay-ingress-matrix.
import { usdToNano } from '@gateway/db';
import OpenAI from 'openai';
import request from 'supertest';
import { startIngressRelay, type IngressRelay } from './ingress-fixture';
import { usageRecord } from './relay-fixture';

describe('chat completions clients served by other formats (openai SDK → gateway → mock upstream)', () => {
  let r: IngressRelay;
  let client: OpenAI;

  beforeAll(async () => {
    r = await startIngressRelay('relay_cross_format');
    await r.channel('gemini', 'ch-gemini', 'x-gemini', 'AIza-mock');
    client = r.openai;
  });

  afterAll(async () => {
    await r?.close();
  });

  beforeEach(() => r.mock.reset());

  it("refuses legacy completions and embeddings for a model only another format serves, naming 'model'", async () => {
    const error = await client.embeddings.create({ model: 'x-gemini', input: 'hello' }).then(
      () => undefined,
      (e: unknown) => e as InstanceType<typeof OpenAI.APIError>,
    );
    expect(error?.status).toBe(400);
    expect(error?.param).toBe('model');
    expect(error?.message).toContain('/v1/chat/completions');
    expect(r.mock.requests).toHaveLength(0);
  });

  it("answers Gemini's blocked prompt as the client's 400, streamed or not, without trying another channel", async () => {
    await r.channel('gemini', 'ch-blocked', 'x-blocked', 'AIza-mock;blocked=1', { priority: 10 });
    await r.channel('anthropic', 'ch-unblocked', 'x-blocked', 'sk-ant-mock');
    for (const stream of [false, true]) {
      r.mock.reset();
      const error = await client.chat.completions
        .create({ model: 'x-blocked', messages: [{ role: 'user', content: 'hello' }], stream })
        .then(
          () => undefined,
          (e: unknown) => e as InstanceType<typeof OpenAI.APIError>,
        );
      expect(error?.status).toBe(400);
      expect(error?.message).toMatch(/SAFETY/);
      expect(error?.param).toBe('messages');
      expect(r.mock.requests.map((r) => r.path)).toEqual([
        `/v1beta/models/x-blocked:${stream ? 'streamGenerateContent' : 'generateContent'}`,
      ]);
    }
  });

  it("says another format's refusal in OpenAI's terms: a prompt past the context, an unknown model", async () => {
    await r.channel('anthropic', 'ch-ant-context', 'x-context-ant', 'sk-ant-mock;context=3');
    await r.channel('gemini', 'ch-gem-context', 'x-context-gem', 'AIza-mock;context=3');
    await r.channel('anthropic', 'ch-ant-missing', 'x-missing-ant', 'sk-ant-mock;status=404');
    await r.channel('gemini', 'ch-gem-bad', 'x-bad-gem', 'AIza-mock;status=400');
    const refusal = (model: string, stream = false) =>
      client.chat.completions
        .create({ model, messages: [{ role: 'user', content: 'a prompt of some words' }], stream })
        .then(
          () => undefined,
          (e: unknown) => e as InstanceType<typeof OpenAI.APIError>,
        );
    for (const [model, said] of [
      ['x-context-ant', /prompt is too long: \d+ tokens > 3 maximum/],
      ['x-context-gem', /input token count \(\d+\) exceeds the maximum number of tokens allowed \(3\)/],
    ] as const) {
      for (const stream of [false, true]) {
        const error = await refusal(model, stream);
        expect(error).toBeInstanceOf(OpenAI.BadRequestError);
        expect(error).toMatchObject({
          status: 400,
          code: 'context_length_exceeded',
          type: 'invalid_request_error',
          param: 'messages',
        });
        // The upstream's own words stay, for the person reading them.
        expect(error?.message).toMatch(said);
      }
    }
    // The same through the Responses API.
    const viaResponses = await client.responses
      .create({ model: 'x-context-ant', input: 'a prompt of some words' })
      .then(
        () => undefined,
        (e: unknown) => e as InstanceType<typeof OpenAI.APIError>,
      );
    expect(viaResponses).toMatchObject({
      status: 400,
      code: 'context_length_exceeded',
      type: 'invalid_request_error',
    });

    const missing = await refusal('x-missing-ant');
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError);
    // Anthropic says not_found_error; an OpenAI client reads OpenAI's words for it.
    expect(missing).toMatchObject({ code: 'model_not_found', type: 'invalid_request_error', param: 'model' });
    const bad = await refusal('x-bad-gem');
    expect(bad).toBeInstanceOf(OpenAI.BadRequestError);
    expect(bad?.type).toBe('invalid_request_error');
    expect(bad?.code).not.toBe('INVALID_ARGUMENT');
  });

  it('reasons on an Anthropic channel where Anthropic allows it: not with a forced tool, not in a tool cycle it cannot replay', async () => {
    await r.channel('anthropic', 'ch-ant-think', 'x-think-ant', 'sk-ant-mock;tool=1');
    const tools: OpenAI.ChatCompletionTool[] = [
      {
        type: 'function',
        function: {
          name: 'get_weather',
          parameters: { type: 'object', properties: { city: { type: 'string' } } },
        },
      },
    ];
    const ask = { role: 'user' as const, content: 'Weather in Paris?' };
    const base = {
      model: 'x-think-ant',
      tools,
      reasoning_effort: 'low' as const,
      max_completion_tokens: 8000,
    };
    const upstreamThinking = () => (r.mock.requests.at(-1)?.body as { thinking?: unknown }).thinking;

    // Turn 1: reasoning asked for and sent; the model calls the tool.
    const first = await client.chat.completions.create({ ...base, messages: [ask] });
    const call = first.choices[0]?.message.tool_calls?.[0];
    expect(call?.type).toBe('function');
    expect(upstreamThinking()).toEqual({ type: 'enabled', budget_tokens: 2048 });

    // Turn 2: the OpenAI client sends the call and its result back, with no thinking (it has no place
    // for Anthropic's signed blocks). Anthropic refuses thinking there, so it is not asked for.
    for (const stream of [false, true]) {
      r.mock.reset();
      const next = await client.chat.completions.create({
        ...base,
        stream,
        messages: [
          ask,
          { role: 'assistant', content: null, tool_calls: first.choices[0]!.message.tool_calls! },
          { role: 'tool', tool_call_id: call!.id, content: '18°C' },
        ],
      });
      if (stream) for await (const _ of next as AsyncIterable<unknown>) void _;
      expect(r.mock.requests).toHaveLength(1);
      expect(upstreamThinking()).toBeUndefined();
    }

    // A choice that forces the tool: answered, without thinking (Anthropic refuses the two together).
    r.mock.reset();
    const forced = await client.chat.completions.create({
      ...base,
      messages: [ask],
      tool_choice: 'required',
    });
    expect(forced.choices[0]?.message.tool_calls?.[0]).toMatchObject({ function: { name: 'get_weather' } });
    expect(r.mock.requests.at(-1)?.body).toMatchObject({ tool_choice: { type: 'any' } });
    expect(upstreamThinking()).toBeUndefined();
  });

  it('refuses logprobs naming the field when an Anthropic or Gemini channel serves the model, as it refuses n > 1', async () => {
    await r.channel('anthropic', 'ch-ant-logprobs', 'x-logprobs-ant', 'sk-ant-mock');
    const messages = [{ role: 'user' as const, content: 'hello' }];
    for (const model of ['x-logprobs-ant', 'x-gemini']) {
      for (const [asked, param] of [
        [{ logprobs: true }, 'logprobs'],
        [{ logprobs: true, top_logprobs: 3 }, 'logprobs'],
        [{ top_logprobs: 3 }, 'top_logprobs'],
        [{ n: 2 }, 'n'],
      ] as const) {
        for (const stream of [false, true]) {
          r.mock.reset();
          const error = await client.chat.completions.create({ model, messages, stream, ...asked }).then(
            () => undefined,
            (e: unknown) => e as InstanceType<typeof OpenAI.APIError>,
          );
          expect(error).toBeInstanceOf(OpenAI.BadRequestError);
          expect(error).toMatchObject({ type: 'invalid_request_error', param });
          expect(error?.message).toContain(param);
          expect(r.mock.requests).toHaveLength(0);
        }
      }
      // Not asking is not refused.
      const answer = await client.chat.completions.create({ model, messages, logprobs: false });
      expect(answer.choices[0]?.message.content).toMatch(/^alpha/);
      // Nor are they dropped in silence through the Responses API.
      r.mock.reset();
      const viaResponses = await client.responses.create({ model, input: 'hello', top_logprobs: 3 }).then(
        () => undefined,
        (e: unknown) => e as InstanceType<typeof OpenAI.APIError>,
      );
      expect(viaResponses).toMatchObject({ status: 400, param: 'top_logprobs' });
      expect(r.mock.requests).toHaveLength(0);
    }
  });

  it('fails over from an overloaded Anthropic channel (529) to a Gemini channel', async () => {
    await r.channel('anthropic', 'ch-overloaded', 'x-failover', 'sk-ant-mock;status=529', { priority: 10 });
    await r.channel('gemini', 'ch-rescue', 'x-failover', 'AIza-rescue');
    const { data, response } = await client.chat.completions
      .create({ model: 'x-failover', messages: [{ role: 'user', content: 'hello' }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toMatch(/^alpha bravo/);
    expect(response.headers.get('x-routed-via')).toBe('ch-rescue/x-failover');
    expect(response.headers.get('x-fallback-attempts')).toBe('1');
    expect(r.mock.requests.map((r) => r.path)).toEqual([
      '/v1/messages',
      '/v1beta/models/x-failover:generateContent',
    ]);
    const record = await usageRecord(r.api, r.admin, response.headers.get('x-request-id') as string);
    expect(record.fallbacks).toEqual([
      expect.objectContaining({ channelName: 'ch-overloaded', status: 529, code: 'server_error' }),
    ]);
  });

  it('fails over from an Anthropic stream that errors before any content (after message_start)', async () => {
    await r.channel('anthropic', 'ch-stream-overloaded', 'x-stream-failover', 'sk-ant-mock;streamError=0', {
      priority: 10,
    });
    await r.channel('gemini', 'ch-stream-rescue', 'x-stream-failover', 'AIza-rescue');
    const { data: stream, response } = await client.chat.completions
      .create({ model: 'x-stream-failover', messages: [{ role: 'user', content: 'hello' }], stream: true })
      .withResponse();
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toMatch(/^alpha bravo/);
    expect(response.headers.get('x-routed-via')).toBe('ch-stream-rescue/x-stream-failover');
    expect(response.headers.get('x-fallback-attempts')).toBe('1');
    expect(r.mock.requests.map((r) => r.path)).toEqual([
      '/v1/messages',
      '/v1beta/models/x-stream-failover:streamGenerateContent',
    ]);
  });

  it("bills a broken or usage-less Anthropic stream at what it relayed, not message_start's placeholder", async () => {
    // Anthropic's message_start says output_tokens 1 until message_delta gives the count: a stream
    // cut before it (the connection dropped, an error event) or one without usage is counted here.
    for (const [key, status] of [
      ['sk-ant-mock;tokens=50;drop=40', 502],
      ['sk-ant-mock;tokens=50;streamError=40', 502],
      ['sk-ant-mock;tokens=50;usage=0', 200],
    ] as const) {
      const model = `x-broken-${status}-${key.split(';')[2]?.replace('=', '-')}`;
      await r.channel('anthropic', `ch-${model}`, model, key);
      const { data: stream, response } = await client.chat.completions
        .create({ model, messages: [{ role: 'user', content: 'hello' }], stream: true })
        .withResponse();
      let text = '';
      try {
        for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      } catch {
        // The broken streams end in an error the SDK raises.
      }
      expect(text.split(' ').length).toBeGreaterThan(30);
      const record = await usageRecord(r.api, r.admin, response.headers.get('x-request-id') as string);
      expect(record).toMatchObject({ status, usageSource: 'counted' });
      expect(record.completionTokens).toBeGreaterThan(30);
      expect(record.promptTokens).toBeGreaterThan(0);
    }
  });

  it("asks an operator-named Azure deployment in the channel's maxTokensField, for any ingress", async () => {
    await r.channel('azure-openai', 'ch-azure-o3', 'x-o3', 'azure-mock-key', {
      modelMapping: { 'x-o3': 'prod-reasoning' },
      settings: { apiVersion: '2024-12-01-preview', maxTokensField: 'max_completion_tokens' },
    });
    await client.chat.completions.create({ model: 'x-o3', messages: [{ role: 'user', content: 'hi' }] });
    await client.chat.completions.create({
      model: 'x-o3',
      max_tokens: 30,
      messages: [{ role: 'user', content: 'hi' }],
    });
    await r.anthropic.messages.create({
      model: 'x-o3',
      max_tokens: 20,
      messages: [{ role: 'user', content: 'hi' }],
    });
    const bodies = r.upstreamCalls().map((c) => c.body as Record<string, unknown>);
    expect(r.upstreamCalls().map((c) => c.path)).toEqual(
      Array(3).fill('/openai/deployments/prod-reasoning/chat/completions'),
    );
    expect(bodies.map((b) => b['max_completion_tokens'])).toEqual([
      r.api.config.BILLING_DEFAULT_MAX_TOKENS,
      30,
      20,
    ]);
    for (const body of bodies) expect(body).not.toHaveProperty('max_tokens');

    const refused = await request(r.api.url)
      .post('/api/channels')
      .set('authorization', `Bearer ${r.admin}`)
      .send({
        name: 'ch-bad-field',
        type: 'azure-openai',
        baseUrl: 'https://example.openai.azure.com',
        models: ['x'],
        settings: { maxTokensField: 'max_output_tokens' },
      })
      .expect(400);
    expect(JSON.stringify(refused.body)).toContain('settings.maxTokensField');
  });

  it('serves embeddings from an Azure deployment, billed as the deployment reported', async () => {
    await r.channel('azure-openai', 'ch-azure-embed', 'x-embed', 'azure-mock-key', {
      modelMapping: { 'x-embed': 'prod-embedder' },
    });
    await r.price('x-embed');
    const { data, response } = await client.embeddings
      .create({ model: 'x-embed', input: ['hello there', 'general kenobi'] })
      .withResponse();
    expect(data.data).toHaveLength(2);
    expect(data.data[0]?.embedding.length).toBeGreaterThan(0);
    expect(response.headers.get('x-routed-via')).toBe('ch-azure-embed/prod-embedder');
    const recorded = r.upstreamCall();
    expect(recorded.path).toBe('/openai/deployments/prod-embedder/embeddings');
    expect(recorded.headers['api-key']).toBe('azure-mock-key');
    expect(recorded.headers['authorization']).toBeUndefined();
    expect(recorded.body).not.toHaveProperty('model');
    const promptTokens = recorded.usage?.prompt_tokens as number;
    expect(promptTokens).toBeGreaterThan(0);
    expect(data.usage.prompt_tokens).toBe(promptTokens);
    const record = await usageRecord(r.api, r.admin, response.headers.get('x-request-id') as string);
    expect(record).toMatchObject({ promptTokens, completionTokens: 0, usageSource: 'upstream', status: 200 });
    expect(usdToNano(record.costUsd)).toBe(BigInt(promptTokens * 1000));
  });
});
