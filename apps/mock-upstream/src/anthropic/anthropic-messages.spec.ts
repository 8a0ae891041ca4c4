import Anthropic from '@anthropic-ai/sdk';
import { request } from 'node:http';
import { mockUpstreamPerSuite } from '../../test/mock-upstream-fixture';
import { mockCompletionText, thinkingText } from '../generated-text';

const upstream = mockUpstreamPerSuite();
const weather: Anthropic.Tool = {
  name: 'get_weather',
  description: 'Weather of a city',
  input_schema: { type: 'object', properties: { city: { type: 'string' } } },
};
// system: 3 + 2 words; each message: 3 + its words → 5 + 5 = 10
const params = {
  model: 'mock-claude',
  max_tokens: 100,
  system: 'be brief',
  messages: [{ role: 'user' as const, content: 'hello there' }],
};

/** The raw text of a request to the mock, for checks on the wire itself (event names, pings). */
function rawPost(
  path: string,
  headers: Record<string, string>,
  body: object,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${upstream.mock.url}${path}`, { method: 'POST', headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

describe('POST /v1/messages', () => {
  it('answers a message the SDK parses, with usage by the documented counting', async () => {
    const message = await upstream.anthropic('sk-ant;tokens=5').messages.create(params);

    expect(message).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'mock-claude',
      content: [{ type: 'text', text: mockCompletionText(5) }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: {
        input_tokens: 10,
        output_tokens: 5,
        cache_read_input_tokens: 0,
        cache_creation_input_tokens: 0,
      },
    });
    const record = upstream.mock.requests[0];
    expect(record).toMatchObject({ apiKey: 'sk-ant;tokens=5', status: 200, stream: false });
    expect(record.headers['anthropic-version']).toBeDefined();
    expect(record.usage).toEqual({ prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 });
  });

  it('stops with max_tokens when the budget cuts the text', async () => {
    const message = await upstream.anthropic('sk;tokens=8').messages.create({ ...params, max_tokens: 3 });
    expect(message.stop_reason).toBe('max_tokens');
    expect(message.content).toEqual([{ type: 'text', text: mockCompletionText(3) }]);
    expect(message.usage.output_tokens).toBe(3);
  });

  it('reports cache reads and writes apart from the uncached input', async () => {
    const message = await upstream.anthropic('sk;cacheRead=4;cacheWrite=3').messages.create(params);
    expect(message.usage).toMatchObject({
      input_tokens: 3,
      cache_read_input_tokens: 4,
      cache_creation_input_tokens: 3,
    });
    expect(upstream.mock.requests[0].usage).toMatchObject({
      prompt_tokens: 10,
      cache_read_tokens: 4,
      cache_write_tokens: 3,
    });
  });

  it('streams events that messages.stream() reassembles into the same message', async () => {
    const client = upstream.anthropic('sk;tokens=7;chunks=3');
    const stream = client.messages.stream(params);
    const texts: string[] = [];
    stream.on('text', (text) => texts.push(text));
    const message = await stream.finalMessage();

    expect(texts).toHaveLength(3);
    expect(texts.join('')).toBe(mockCompletionText(7));
    expect(message).toMatchObject({
      content: [{ type: 'text', text: mockCompletionText(7) }],
      stop_reason: 'end_turn',
      usage: { input_tokens: 10, output_tokens: 7 },
    });
    expect(upstream.mock.requests[0]).toMatchObject({ stream: true, status: 200 });
  });

  it('streams the documented event sequence with pings interleaved and no terminator', async () => {
    const { status, text } = await rawPost(
      '/v1/messages',
      { 'x-api-key': 'sk;tokens=4', 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
      { ...params, stream: true },
    );
    const events = [...text.matchAll(/^event: (\S+)$/gm)].map((match) => match[1]);

    expect(status).toBe(200);
    expect(events).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      'content_block_delta',
      'content_block_delta',
      'ping',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(text).not.toContain('[DONE]');
    expect(text).toContain(
      '"usage":{"input_tokens":10,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":1',
    );
  });

  it('calls the first tool with its input JSON split across several input_json_delta events', async () => {
    const stream = upstream.anthropic('sk;tool=1;tokens=4').messages.stream({ ...params, tools: [weather] });
    const pieces: string[] = [];
    stream.on('inputJson', (partial) => pieces.push(partial));
    const message = await stream.finalMessage();

    expect(pieces.length).toBeGreaterThanOrEqual(4);
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toEqual([
      {
        type: 'tool_use',
        id: expect.stringMatching(/^toolu_/),
        name: 'get_weather',
        input: { mock: mockCompletionText(4) },
      },
    ]);
    const created = await upstream
      .anthropic('sk;tool=1;tokens=4')
      .messages.create({ ...params, tools: [weather] });
    expect(created.content).toEqual(message.content.map((block) => ({ ...block, id: expect.any(String) })));
  });

  it('thinks first when thinking is enabled, with a signature, and bills thinking as output', async () => {
    const thinking = { type: 'enabled' as const, budget_tokens: 1024 };
    const client = upstream.anthropic('sk;tokens=3;reasoning=5');
    const created = await client.messages.create({ ...params, max_tokens: 2000, thinking });
    const streamed = await client.messages.stream({ ...params, max_tokens: 2000, thinking }).finalMessage();

    for (const message of [created, streamed]) {
      expect(message.content).toEqual([
        {
          type: 'thinking',
          thinking: thinkingText(0, 5),
          signature: expect.stringMatching(/^[A-Za-z0-9+/=]+$/),
        },
        { type: 'text', text: mockCompletionText(3) },
      ]);
      expect(message.usage.output_tokens).toBe(8);
    }
    expect(upstream.mock.requests[1].usage).toMatchObject({ completion_tokens: 8, reasoning_tokens: 5 });
  });

  it('refuses thinking with a tool choice that forces a tool, and a tool cycle whose turn does not start with its thinking', async () => {
    const client = upstream.anthropic('sk;tokens=3');
    const thinking = { type: 'enabled' as const, budget_tokens: 1024 };
    const tools = [{ name: 'get_weather', input_schema: { type: 'object' as const } }];
    const refusal = (body: Partial<Anthropic.MessageCreateParamsNonStreaming>) =>
      client.messages
        .create({ ...params, max_tokens: 2000, thinking, tools, ...body })
        .catch((e: unknown) => e);

    const forced = await refusal({ tool_choice: { type: 'any' } });
    expect(forced).toBeInstanceOf(Anthropic.BadRequestError);
    expect(forced).toMatchObject({ status: 400, type: 'invalid_request_error' });
    expect((forced as Error).message).toContain(
      'Thinking may not be enabled when tool_choice forces tool use',
    );

    const cycle = (first: Anthropic.ContentBlockParam[]): Anthropic.MessageParam[] => [
      { role: 'user', content: 'Weather?' },
      {
        role: 'assistant',
        content: [...first, { type: 'tool_use', id: 't1', name: 'get_weather', input: {} }],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: '18°C' }] },
    ];
    const bare = await refusal({ messages: cycle([]) });
    expect(bare).toBeInstanceOf(Anthropic.BadRequestError);
    expect((bare as Error).message).toContain('messages.1.content.0.type: Expected `thinking`');
    // With its thinking first, or with thinking off, the same turns are answered.
    const signed = { type: 'thinking' as const, thinking: 'need it', signature: 'c2ln' };
    await expect(refusal({ messages: cycle([signed]) })).resolves.toMatchObject({ type: 'message' });
    await expect(
      client.messages.create({ ...params, max_tokens: 2000, tools, messages: cycle([]) }),
    ).resolves.toMatchObject({ type: 'message' });
  });

  it('refuses an empty turn before the last, as Anthropic does', async () => {
    const client = upstream.anthropic('sk;tokens=3');
    const messages: Anthropic.MessageParam[] = [
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: [] },
      { role: 'user', content: 'again' },
    ];
    const error = await client.messages.create({ ...params, messages }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect((error as Error).message).toContain('messages.1: all messages must have non-empty content');
    // An empty final assistant turn (an empty prefill) is allowed.
    await expect(
      client.messages.create({ ...params, messages: [messages[0]!, { role: 'assistant', content: [] }] }),
    ).resolves.toMatchObject({ type: 'message' });
  });

  it('surfaces an error event mid-stream as an overloaded APIError after the text so far', async () => {
    const stream = upstream.anthropic('sk;tokens=6;streamError=3').messages.stream(params);
    const texts: string[] = [];
    stream.on('text', (text) => texts.push(text));
    const error = await stream.finalMessage().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect(error).toMatchObject({ type: 'overloaded_error' });
    // message_start, content_block_start and ping ride with the first delta: 3 chunks hold no text yet
    expect(texts).toEqual([]);
    expect(upstream.mock.requests[0]).toMatchObject({ status: 200, chunksSent: 3, aborted: false });
  });

  it('answers 529 overloaded_error, which the SDK retries and then surfaces as OverloadedError', async () => {
    const client = upstream.anthropic('sk;status=529;fail=1', { maxRetries: 1 });
    await expect(client.messages.create(params)).resolves.toMatchObject({ type: 'message' });

    const error = await upstream
      .anthropic('sk;status=529;retryAfter=0')
      .messages.create(params)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.InternalServerError);
    expect(error).toMatchObject({ status: 529, type: 'overloaded_error' });
    expect(upstream.mock.requests.map((r) => r.status)).toEqual([529, 200, 529]);
  });

  it.each([
    [429, Anthropic.RateLimitError, 'rate_limit_error'],
    [401, Anthropic.AuthenticationError, 'authentication_error'],
    [500, Anthropic.InternalServerError, 'api_error'],
  ])('status=%i answers in Anthropic error shape', async (status, errorClass, type) => {
    const error = await upstream
      .anthropic(`sk;status=${status}`)
      .messages.create(params)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(errorClass);
    expect(error).toMatchObject({ status, type, requestID: expect.stringMatching(/^req_mock_/) });
  });

  it("refuses a prompt past context=N as Anthropic does: 400 invalid_request_error, 'prompt is too long'", async () => {
    const error = await upstream
      .anthropic('sk;context=2')
      .messages.create(params)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect(error).toMatchObject({ status: 400, type: 'invalid_request_error' });
    expect((error as Error).message).toMatch(/prompt is too long: \d+ tokens > 2 maximum/);
  });

  it('requires max_tokens, anthropic-version and x-api-key', async () => {
    const missingMax = await upstream
      .anthropic()
      .messages.create({
        model: 'mock-claude',
        messages: params.messages,
      } as Anthropic.MessageCreateParamsNonStreaming)
      .catch((e: unknown) => e);
    expect(missingMax).toBeInstanceOf(Anthropic.BadRequestError);
    expect(missingMax).toMatchObject({
      error: { type: 'error', error: { message: 'max_tokens: Field required' } },
    });

    const json = { 'content-type': 'application/json' };
    const noVersion = await rawPost('/v1/messages', { ...json, 'x-api-key': 'sk' }, params);
    expect(noVersion.status).toBe(400);
    expect(JSON.parse(noVersion.text)).toMatchObject({
      type: 'error',
      error: { type: 'invalid_request_error', message: 'anthropic-version: header is required' },
    });
    const noKey = await rawPost('/v1/messages', { ...json, 'anthropic-version': '2023-06-01' }, params);
    expect(noKey.status).toBe(401);
    expect(JSON.parse(noKey.text)).toMatchObject({ error: { type: 'authentication_error' } });
  });
});

describe('POST /v1/messages/count_tokens', () => {
  it('counts the prompt as a message would bill it', async () => {
    const counted = await upstream.anthropic().messages.countTokens({
      model: 'mock-claude',
      system: params.system,
      messages: params.messages,
    });
    expect(counted).toEqual({ input_tokens: 10 });
  });
});

describe('GET /v1/models with anthropic-version', () => {
  it("lists models in Anthropic's page shape", async () => {
    const page = await upstream.anthropic().models.list();
    expect(page.data.map((model) => model.id)).toEqual(['mock-claude', 'mock-claude-haiku']);
    expect(page.data[0]).toMatchObject({ type: 'model', display_name: 'mock-claude' });
    await expect(upstream.anthropic().models.retrieve('mock-claude')).resolves.toMatchObject({
      id: 'mock-claude',
    });
  });
});
