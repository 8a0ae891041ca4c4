// POST /v1/messages clients (`@anthropic-ai/sdk`, unchanged): what is particular to this ingress —
// both ways of sending the key, every gateway error in Anthropic's shape, the hold on its
// max_tokens, its rate limit, failover to another format and count_tokens. Answers, streams, tool
// calls, broken streams and billing against every upstream are in relay-ingress-matrix.
import Anthropic from '@anthropic-ai/sdk';
import request from 'supertest';
import { failure, startIngressRelay, type IngressRelay } from './ingress-fixture';
import { fund, issueToken, seedTenantWithToken, usageRecord } from './relay-fixture';

describe('/v1/messages clients (anthropic SDK → gateway → mock upstream)', () => {
  let r: IngressRelay;

  beforeAll(async () => {
    r = await startIngressRelay('relay_messages_ingress');
    await r.channel('openai', 'ch-openai', 'm-openai', 'sk-mock-openai');
    await r.price('m-openai');
  });

  afterAll(async () => {
    await r?.close();
  });

  beforeEach(() => r.mock.reset());

  it('authenticates with a Bearer token as well as x-api-key', async () => {
    await r.channel('openai', 'ch-bearer', 'm-bearer', 'sk-mock-bearer');
    const answer = await r.anthropicClient(r.key, { bearer: true }).messages.create({
      model: 'm-bearer',
      max_tokens: 20,
      messages: [{ role: 'user', content: 'hello' }],
    });
    expect(answer.type).toBe('message');
  });

  it("answers every gateway error in Anthropic's shape: auth, validation, malformed JSON, unknown model", async () => {
    const noKey = await request(r.api.url)
      .post('/v1/messages')
      .send({ model: 'm-openai', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] })
      .expect(401);
    expect(noKey.body).toMatchObject({
      type: 'error',
      error: { type: 'authentication_error', message: expect.stringContaining('API key') },
    });

    const badKey = await r
      .anthropicClient('sk-wrong')
      .messages.create({ model: 'm-openai', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(badKey).toBeInstanceOf(Anthropic.AuthenticationError);

    const noMax = await request(r.api.url)
      .post('/v1/messages')
      .set('x-api-key', r.key)
      .send({ model: 'm-openai', messages: [{ role: 'user', content: 'hi' }] })
      .expect(400);
    expect(noMax.body).toMatchObject({
      type: 'error',
      error: { type: 'invalid_request_error', message: expect.stringContaining('max_tokens') },
    });

    // Refused before the relay (malformed JSON): still Anthropic's shape.
    const malformed = await request(r.api.url)
      .post('/v1/messages')
      .set('x-api-key', r.key)
      .set('content-type', 'application/json')
      .send('{"model": ')
      .expect(400);
    expect(malformed.body).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });

    const unknown = await r.anthropic.messages
      .create({ model: 'no-such-model', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] })
      .then(
        () => undefined,
        (e: unknown) => e as InstanceType<typeof Anthropic.APIError>,
      );
    expect(unknown).toBeInstanceOf(Anthropic.NotFoundError);
    expect(unknown?.error).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
    expect(r.upstreamCalls()).toHaveLength(0);
  });

  it('fails over from an overloaded Anthropic channel (529) to an OpenAI channel, same answer shape', async () => {
    await r.channel('anthropic', 'ch-overloaded', 'm-failover', 'sk-ant-mock;status=529', { priority: 10 });
    await r.channel('openai', 'ch-rescue', 'm-failover', 'sk-mock-rescue');
    const { data, response } = await r.anthropic.messages
      .create({ model: 'm-failover', max_tokens: 20, messages: [{ role: 'user', content: 'hello' }] })
      .withResponse();
    expect(data.type).toBe('message');
    expect(response.headers.get('x-routed-via')).toBe('ch-rescue/m-failover');
    expect(response.headers.get('x-fallback-attempts')).toBe('1');
    expect(r.upstreamCalls().map((r) => r.path)).toEqual(['/v1/messages', '/v1/chat/completions']);
    const record = await usageRecord(r.api, r.admin, response.headers.get('x-request-id') as string);
    expect(record.fallbacks).toEqual([
      expect.objectContaining({ channelName: 'ch-overloaded', status: 529, code: 'server_error' }),
    ]);
  });

  it("holds money for the client's max_tokens: a 402 billing_error when the balance cannot cover it", async () => {
    // 0.0001 USD covers 50 output tokens at 2 USD per 1M, not 100000.
    const poor = await seedTenantWithToken(r.api, r.admin);
    await fund(r.api, poor.tenantId, '0.0001');
    const poorClient = r.anthropicClient(poor.key);
    const refused = await poorClient.messages
      .create({ model: 'm-openai', max_tokens: 100_000, messages: [{ role: 'user', content: 'hi' }] })
      .then(
        () => undefined,
        (e: unknown) => e as InstanceType<typeof Anthropic.APIError>,
      );
    expect(refused?.status).toBe(402);
    expect(refused?.error).toMatchObject({ type: 'error', error: { type: 'billing_error' } });
    expect(r.upstreamCalls()).toHaveLength(0);
    const served = await poorClient.messages.create({
      model: 'm-openai',
      max_tokens: 10,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(served.type).toBe('message');
  });

  it("answers a key's rate limit as Anthropic's 429 rate_limit_error", async () => {
    const limited = await seedTenantWithToken(r.api, r.admin, { rpm: 1 });
    await fund(r.api, limited.tenantId, '1');
    const limitedClient = r.anthropicClient(limited.key);
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
    await r.channel('anthropic', 'ch-refuses', 'm-refuses', 'sk-ant-mock;status=400');
    const error = await r.anthropic.messages
      .create({ model: 'm-refuses', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] })
      .then(
        () => undefined,
        (e: unknown) => e as InstanceType<typeof Anthropic.APIError>,
      );
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect(error?.error).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
  });

  it("passes the client's anthropic-beta on to an Anthropic channel, whose body it keeps, and to no other", async () => {
    await r.channel('anthropic', 'ch-beta-claude', 'm-beta', 'sk-ant-mock-beta', { priority: 10 });
    const betas = ['interleaved-thinking-2025-05-14', 'context-1m-2025-08-07'];
    const ask = { model: 'm-beta', max_tokens: 20, messages: [{ role: 'user' as const, content: 'hi' }] };
    const answer = await r.anthropic.beta.messages.create({ ...ask, betas });
    expect(answer.type).toBe('message');
    const stream = r.anthropic.beta.messages.stream({ ...ask, betas: [betas[0] as string] });
    expect((await stream.finalMessage()).stop_reason).toBe('end_turn');
    expect(r.upstreamCalls().map((c) => c.headers['anthropic-beta'])).toEqual([betas.join(','), betas[0]]);

    // Another format has no use for it: an OpenAI channel is not sent it.
    r.mock.reset();
    await r.anthropic.beta.messages.create({ ...ask, model: 'm-openai', betas });
    expect(r.upstreamCall().headers['anthropic-beta']).toBeUndefined();
  });

  it('answers parallel tool calls to an OpenAI channel with every tool message first, a result image after them', async () => {
    const png =
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
    const tools = ['screenshot', 'clock'].map((name) => ({
      name,
      input_schema: { type: 'object' as const, properties: {} },
    }));
    await r.anthropic.messages.create({
      model: 'm-openai',
      max_tokens: 20,
      tools,
      messages: [
        { role: 'user', content: 'look and tell the time' },
        {
          role: 'assistant',
          content: [
            { type: 'tool_use', id: 'toolu_1', name: 'screenshot', input: {} },
            { type: 'tool_use', id: 'toolu_2', name: 'clock', input: {} },
          ],
        },
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              tool_use_id: 'toolu_1',
              content: [
                { type: 'text', text: 'the screen' },
                { type: 'image', source: { type: 'base64', media_type: 'image/png', data: png } },
              ],
            },
            { type: 'tool_result', tool_use_id: 'toolu_2', content: '12:00' },
            { type: 'text', text: 'well?' },
          ],
        },
      ],
    });
    // OpenAI refuses an assistant turn with tool_calls that is not followed by a tool message for
    // each call before anything else.
    const sent = (r.upstreamCall().body as { messages: Array<Record<string, unknown>> }).messages;
    expect(sent.map((m) => m['role'])).toEqual(['user', 'assistant', 'tool', 'tool', 'user', 'user']);
    expect(sent.slice(2, 4)).toEqual([
      { role: 'tool', tool_call_id: 'toolu_1', content: 'the screen' },
      { role: 'tool', tool_call_id: 'toolu_2', content: '12:00' },
    ]);
    expect(JSON.stringify(sent[4])).toContain(png);
  });

  it('says why an answer ended when another format ended it in error (Gemini MALFORMED_FUNCTION_CALL)', async () => {
    await r.channel('gemini', 'ch-malformed', 'm-malformed', 'AIza-mock-malformed;malformed=1');
    const ask = {
      model: 'm-malformed',
      max_tokens: 20,
      tools: [{ name: 'f', input_schema: { type: 'object' as const, properties: {} } }],
      messages: [{ role: 'user' as const, content: 'call f' }],
    };
    // Anthropic: stop_reason is never null in a whole message, nor in a stream's message_delta.
    const answer = await r.anthropic.messages.create(ask);
    expect(answer).toMatchObject({ content: [], stop_reason: 'end_turn' });
    const stream = r.anthropic.messages.stream(ask);
    const deltas: Array<string | null> = [];
    stream.on('streamEvent', (event) => {
      if (event.type === 'message_delta') deltas.push(event.delta.stop_reason);
    });
    expect((await stream.finalMessage()).stop_reason).toBe('end_turn');
    expect(deltas).toEqual(['end_turn']);
  });

  it('replays thinking a Gemini channel made to an Anthropic channel without a signature Anthropic would refuse', async () => {
    await r.channel('gemini', 'ch-think-gemini', 'm-think-gemini', 'AIza-mock');
    await r.channel('anthropic', 'ch-think-claude', 'm-think-claude', 'sk-ant-mock');
    const question = { role: 'user' as const, content: 'think about the weather' };
    const thinking = { type: 'enabled' as const, budget_tokens: 1024 };
    const ask = { max_tokens: 2000, thinking, messages: [question] };
    const nonStream = await r.anthropic.messages.create({ ...ask, model: 'm-think-gemini' });
    const streamed = await r.anthropic.messages.stream({ ...ask, model: 'm-think-gemini' }).finalMessage();
    const fromClaude = await r.anthropic.messages.create({ ...ask, model: 'm-think-claude' });

    for (const turn of [nonStream, streamed]) {
      const thoughts = turn.content.filter((block) => block.type === 'thinking');
      expect(thoughts).toHaveLength(1);
      // Signed, but plainly not by Anthropic: the gateway knows its own mark when it comes back.
      expect(thoughts[0]).toMatchObject({
        thinking: expect.stringMatching(/\S/),
        signature: expect.stringMatching(/^llm-gateway:/),
      });
    }
    const claudeThought = fromClaude.content.find((block) => block.type === 'thinking');
    expect(claudeThought?.signature).toMatch(/^[A-Za-z0-9+/=]+$/);

    // Turn 2 on the Anthropic channel, as every agent sends it: the conversation so far with the
    // assistant's blocks unchanged. Gemini's thoughts are left out; Anthropic's own go back as they came.
    for (const [turn, expected] of [
      [nonStream, []],
      [streamed, []],
      [fromClaude, [claudeThought]],
    ] as const) {
      r.mock.reset();
      const next = await r.anthropic.messages.create({
        model: 'm-think-claude',
        max_tokens: 2000,
        thinking,
        messages: [question, { role: 'assistant', content: turn.content }, { role: 'user', content: 'and?' }],
      });
      expect(next.type).toBe('message');
      const sent = r.upstreamCall().body as { messages: Array<{ content: Array<Record<string, unknown>> }> };
      const assistant = sent.messages[1]?.content ?? [];
      expect(assistant.filter((block) => block['type'] === 'thinking')).toEqual(expected);
      expect(assistant).toContainEqual({ type: 'text', text: expect.stringMatching(/^alpha/) });
    }

    // Back on a Gemini channel the thoughts return as thoughts.
    r.mock.reset();
    await r.anthropic.messages.create({
      model: 'm-think-gemini',
      max_tokens: 2000,
      thinking,
      messages: [
        question,
        { role: 'assistant', content: nonStream.content },
        { role: 'user', content: 'and?' },
      ],
    });
    const gemini = r.upstreamCall().body as { contents: Array<{ parts: Array<Record<string, unknown>> }> };
    expect(gemini.contents[1]?.parts[0]).toMatchObject({ thought: true, text: expect.stringMatching(/\S/) });
    expect(JSON.stringify(gemini)).not.toContain('llm-gateway');
  });

  it("counts a request's input tokens with the gateway's tokenizer, without calling an upstream", async () => {
    const counted = await r.anthropic.messages.countTokens({
      model: 'm-openai',
      system: 'be brief',
      messages: [{ role: 'user', content: 'hello there, how are you today?' }],
    });
    expect(counted.input_tokens).toBeGreaterThan(5);
    const shorter = await r.anthropic.messages.countTokens({
      model: 'm-openai',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(shorter.input_tokens).toBeLessThan(counted.input_tokens);
    expect(r.upstreamCalls()).toHaveLength(0);
    const unauthenticated = await request(r.api.url)
      .post('/v1/messages/count_tokens')
      .send({ model: 'm-openai', messages: [{ role: 'user', content: 'hi' }] })
      .expect(401);
    expect(unauthenticated.body).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
  });

  it("names the request in Anthropic's request-id header and in an error's request_id, as the gateway logs it", async () => {
    const error = (await failure(
      r.anthropic.messages.create({
        model: 'no-such-model',
        max_tokens: 5,
        messages: [{ role: 'user', content: 'hi' }],
      }),
    )) as InstanceType<typeof Anthropic.APIError>;
    expect(error).toBeInstanceOf(Anthropic.NotFoundError);
    expect(error.requestID).toMatch(/\S/);
    expect(error.error).toMatchObject({ request_id: error.requestID });
    expect(error.headers?.get('x-request-id')).toBe(error.requestID);
  });

  it('answers count_tokens 200 as Anthropic does, and refuses the models /v1/messages refuses', async () => {
    const body = { model: 'm-openai', messages: [{ role: 'user' as const, content: 'hi' }] };
    const counted = await request(r.api.url)
      .post('/v1/messages/count_tokens')
      .set('x-api-key', r.key)
      .send(body)
      .expect(200);
    expect(counted.body).toEqual({ input_tokens: expect.any(Number) });

    const unknown = await failure(r.anthropic.messages.countTokens({ ...body, model: 'no-such-model' }));
    expect(unknown).toBeInstanceOf(Anthropic.NotFoundError);

    await r.channel('openai', 'ch-other', 'm-other', 'sk-mock-other');
    const limited = await issueToken(r.api, r.admin, { tenantId: r.tenantId, models: ['m-other'] });
    const client = r.anthropicClient(limited.key);
    const refused = await failure(client.messages.countTokens(body));
    expect(refused).toBeInstanceOf(Anthropic.PermissionDeniedError);
    const relayed = await failure(client.messages.create({ ...body, max_tokens: 5 }));
    expect(relayed).toBeInstanceOf(Anthropic.PermissionDeniedError);
    expect((await client.messages.countTokens({ ...body, model: 'm-other' })).input_tokens).toBeGreaterThan(
      0,
    );
    expect(r.upstreamCalls()).toHaveLength(0);
  });
});
