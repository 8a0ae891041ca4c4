import OpenAI from 'openai';
import type {
  ChatCompletionChunk,
  ChatCompletionCreateParamsNonStreaming,
} from 'openai/resources/chat/completions';
import { mockCompletionText, mockToolArguments } from './generated-text';
import { countChatPromptTokens, countTokens } from './token-count';
import { mockUpstreamPerSuite } from '../test/mock-upstream-fixture';

const upstream = mockUpstreamPerSuite();
const { client } = upstream;

const messages = [
  { role: 'system' as const, content: 'You are a test.' },
  { role: 'user' as const, content: 'Say something, please.' },
];
const params: ChatCompletionCreateParamsNonStreaming = { model: 'mock-gpt', messages };

const weatherTool = {
  type: 'function' as const,
  function: { name: 'get_weather', parameters: { type: 'object', properties: {} } },
};

async function collect(stream: AsyncIterable<ChatCompletionChunk>): Promise<ChatCompletionChunk[]> {
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

function streamedContent(chunks: ChatCompletionChunk[], choice = 0): string {
  return chunks
    .flatMap((chunk) => chunk.choices)
    .filter((c) => c.index === choice)
    .map((c) => c.delta.content ?? '')
    .join('');
}

describe('POST /v1/chat/completions', () => {
  it('reports promptExtra prompt tokens on top of the counted prompt', async () => {
    const completion = await client('sk-mock;tokens=7;promptExtra=1000').chat.completions.create(params);
    expect(completion.usage).toEqual({
      prompt_tokens: countChatPromptTokens(messages) + 1000,
      completion_tokens: 7,
      total_tokens: countChatPromptTokens(messages) + 1007,
    });
  });

  it('answers a chat.completion whose usage matches the token rule', async () => {
    const completion = await client('sk-mock;tokens=7').chat.completions.create(params);

    expect(completion.object).toBe('chat.completion');
    expect(completion.model).toBe('mock-gpt');
    expect(completion.choices).toHaveLength(1);
    const [choice] = completion.choices;
    expect(choice.message).toEqual({ role: 'assistant', content: mockCompletionText(7), refusal: null });
    expect(choice.finish_reason).toBe('stop');
    expect(completion.usage).toEqual({
      prompt_tokens: countChatPromptTokens(messages),
      completion_tokens: 7,
      total_tokens: countChatPromptTokens(messages) + 7,
    });
    expect(countTokens(choice.message.content ?? '')).toBe(completion.usage?.completion_tokens);
    expect(upstream.mock.requests[0]).toMatchObject({
      method: 'POST',
      path: '/v1/chat/completions',
      apiKey: 'sk-mock;tokens=7',
      status: 200,
      stream: false,
      aborted: false,
      body: { model: 'mock-gpt', messages },
      usage: completion.usage,
    });
  });

  it('echoes whatever model was asked for', async () => {
    const completion = await client().chat.completions.create({ ...params, model: 'gpt-4o-2024-08-06' });
    expect(completion.model).toBe('gpt-4o-2024-08-06');
  });

  it('honours n with distinct choices, billing every choice', async () => {
    const completion = await client('sk;tokens=4').chat.completions.create({ ...params, n: 2 });

    expect(completion.choices.map((c) => c.index)).toEqual([0, 1]);
    expect(completion.choices[0].message.content).toBe(mockCompletionText(4, 0));
    expect(completion.choices[1].message.content).toBe(mockCompletionText(4, 1));
    expect(completion.choices[0].message.content).not.toBe(completion.choices[1].message.content);
    expect(completion.usage?.completion_tokens).toBe(8);
  });

  it('caps the completion at max_tokens / max_completion_tokens with finish_reason length', async () => {
    const capped = await client('sk;tokens=10').chat.completions.create({ ...params, max_tokens: 3 });
    expect(capped.choices[0].message.content).toBe(mockCompletionText(3));
    expect(capped.choices[0].finish_reason).toBe('length');
    expect(capped.usage?.completion_tokens).toBe(3);

    const newer = await client('sk;tokens=10').chat.completions.create({
      ...params,
      max_completion_tokens: 2,
    });
    expect(newer.usage?.completion_tokens).toBe(2);

    const roomy = await client('sk;tokens=4').chat.completions.create({ ...params, max_tokens: 100 });
    expect(roomy.choices[0].finish_reason).toBe('stop');
  });

  it('defaults to 12 completion tokens', async () => {
    const completion = await client().chat.completions.create(params);
    expect(completion.usage?.completion_tokens).toBe(12);
  });

  it('leaves usage out with usage=0, yet records what it would have billed', async () => {
    const completion = await client('sk;usage=0;tokens=5').chat.completions.create(params);
    expect(completion.usage).toBeUndefined();
    expect(upstream.mock.requests[0].usage?.completion_tokens).toBe(5);
  });

  it('answers null content that still bills with null=1', async () => {
    const completion = await client('sk;null=1;tokens=5').chat.completions.create(params);
    expect(completion.choices[0].message.content).toBeNull();
    expect(completion.usage?.completion_tokens).toBe(5);
  });

  it('calls the first tool with tool=1 when the request has tools', async () => {
    const completion = await client('sk;tool=1;tokens=3').chat.completions.create({
      ...params,
      tools: [weatherTool, { type: 'function', function: { name: 'other' } }],
    });

    const [choice] = completion.choices;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBeNull();
    expect(choice.message.tool_calls).toHaveLength(1);
    const call = choice.message.tool_calls?.[0];
    expect(call?.type).toBe('function');
    if (call?.type !== 'function') throw new Error('expected a function call');
    expect(call.id).toMatch(/^call_/);
    expect(call.function.name).toBe('get_weather');
    expect(JSON.parse(call.function.arguments)).toEqual({ mock: mockCompletionText(3) });
    expect(completion.usage?.completion_tokens).toBe(3);
  });

  it('answers text with tool=1 when the request has no tools', async () => {
    const completion = await client('sk;tool=1').chat.completions.create(params);
    expect(completion.choices[0].message.tool_calls).toBeUndefined();
    expect(completion.choices[0].finish_reason).toBe('stop');
  });

  it('refuses a request without messages, naming the field', async () => {
    const error = await client()
      .chat.completions.create({ model: 'mock-gpt', messages: [] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('messages');
  });
});

describe('POST /v1/chat/completions with stream: true', () => {
  it('streams the same content as the non-stream answer, role first and finish last', async () => {
    const plain = await client('sk;tokens=9').chat.completions.create(params);
    const stream = await client('sk;tokens=9;chunks=4').chat.completions.create({ ...params, stream: true });
    const chunks = await collect(stream);

    expect(
      chunks.every((chunk) => chunk.object === 'chat.completion.chunk' && chunk.model === 'mock-gpt'),
    ).toBe(true);
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
    expect(chunks[0].choices[0].delta.role).toBe('assistant');
    // role chunk + 4 content chunks + finish chunk, and no usage chunk without include_usage
    expect(chunks).toHaveLength(6);
    expect(chunks.slice(1, 5).every((chunk) => (chunk.choices[0].delta.content ?? '') !== '')).toBe(true);
    expect(chunks[5].choices[0].finish_reason).toBe('stop');
    expect(chunks.some((chunk) => chunk.usage)).toBe(false);
    expect(streamedContent(chunks)).toBe(plain.choices[0].message.content);
    expect(upstream.mock.requests[1]).toMatchObject({
      stream: true,
      status: 200,
      chunksSent: 6,
      aborted: false,
    });
  });

  it('ends with a usage chunk with include_usage', async () => {
    const stream = await client('sk;tokens=5').chat.completions.create({
      ...params,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = await collect(stream);

    const last = chunks[chunks.length - 1];
    expect(last.choices).toEqual([]);
    expect(last.usage).toEqual({
      prompt_tokens: countChatPromptTokens(messages),
      completion_tokens: 5,
      total_tokens: countChatPromptTokens(messages) + 5,
    });
    expect(countTokens(streamedContent(chunks))).toBe(last.usage?.completion_tokens);
    expect(last.usage).toEqual(upstream.mock.requests[0].usage);
  });

  it('sends no usage chunk with usage=0, even with include_usage', async () => {
    const stream = await client('sk;usage=0').chat.completions.create({
      ...params,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = await collect(stream);
    expect(chunks.some((chunk) => chunk.usage)).toBe(false);
    expect(chunks.every((chunk) => chunk.choices.length > 0)).toBe(true);
  });

  it('streams every choice of n=2', async () => {
    const stream = await client('sk;tokens=3').chat.completions.create({ ...params, n: 2, stream: true });
    const chunks = await collect(stream);
    expect(streamedContent(chunks, 0)).toBe(mockCompletionText(3, 0));
    expect(streamedContent(chunks, 1)).toBe(mockCompletionText(3, 1));
  });

  it('streams a tool call that the SDK stream helper assembles', async () => {
    const tools = [weatherTool];
    const plain = await client('sk;tool=1;tokens=6').chat.completions.create({ ...params, tools });
    const runner = client('sk;tool=1;tokens=6;chunks=3').chat.completions.stream({
      model: 'mock-gpt',
      messages,
      tools,
      stream_options: { include_usage: true },
    });
    const deltas: ChatCompletionChunk[] = [];
    runner.on('chunk', (chunk) => deltas.push(chunk));
    const final = await runner.finalChatCompletion();

    const [choice] = final.choices;
    expect(choice.finish_reason).toBe('tool_calls');
    const call = choice.message.tool_calls?.[0];
    if (call?.type !== 'function') throw new Error('expected a function call');
    const plainCall = plain.choices[0].message.tool_calls?.[0];
    if (plainCall?.type !== 'function') throw new Error('expected a function call');
    expect(call.function).toEqual(plainCall.function);
    expect(call.function.arguments).toBe(mockToolArguments(6));
    expect(final.usage?.completion_tokens).toBe(6);
    // OpenAI's delta format: id, type and name once, then arguments in pieces
    const toolDeltas = deltas.flatMap((chunk) => chunk.choices.flatMap((c) => c.delta.tool_calls ?? []));
    expect(toolDeltas[0]).toMatchObject({
      index: 0,
      type: 'function',
      function: { name: 'get_weather', arguments: '' },
    });
    expect(toolDeltas[0].id).toMatch(/^call_/);
    expect(toolDeltas.slice(1)).toHaveLength(3);
    expect(toolDeltas.slice(1).every((d) => d.id === undefined && d.function?.name === undefined)).toBe(true);
  });

  it('streams toolCalls=N parallel calls, their arguments interleaved, as the non-stream answer has them', async () => {
    const tools = [weatherTool, { type: 'function' as const, function: { name: 'get_time' } }];
    const plain = await client('sk;tool=1;toolCalls=3;tokens=4').chat.completions.create({
      ...params,
      tools,
    });
    const runner = client('sk;tool=1;toolCalls=3;tokens=4;chunks=2').chat.completions.stream({
      model: 'mock-gpt',
      messages,
      tools,
      stream_options: { include_usage: true },
    });
    const deltas: ChatCompletionChunk[] = [];
    runner.on('chunk', (chunk) => deltas.push(chunk));
    const final = await runner.finalChatCompletion();

    const calls = final.choices[0].message.tool_calls ?? [];
    // The same calls as the non-stream answer (ids carry each answer's own id).
    const sameId = (id: string) => id.replace(/chatcmpl-mock-\d+/, 'chatcmpl-mock-N');
    expect(calls.map((c) => ({ ...c, id: sameId(c.id) }))).toEqual(
      (plain.choices[0].message.tool_calls ?? []).map((c) => ({ ...c, id: sameId(c.id) })),
    );
    expect(calls.map((c) => (c.type === 'function' ? c.function.name : ''))).toEqual([
      'get_weather',
      'get_time',
      'get_weather',
    ]);
    expect(new Set(calls.map((c) => c.id)).size).toBe(3);
    expect(new Set(calls.map((c) => (c.type === 'function' ? c.function.arguments : ''))).size).toBe(3);
    expect(final.usage?.completion_tokens).toBe(12);
    const order = deltas.flatMap((chunk) =>
      chunk.choices.flatMap((c) => (c.delta.tool_calls ?? []).map((d) => d.index)),
    );
    // Three announcements, then two rounds of one argument piece per call.
    expect(order).toEqual([0, 1, 2, 0, 1, 2, 0, 1, 2]);
  });

  /** The argument pieces of each call, as the chunks carry them. */
  async function argumentPieces(key: string, maxTokens?: number) {
    const stream = await client(key).chat.completions.create({
      ...params,
      tools: [weatherTool, { type: 'function' as const, function: { name: 'get_time' } }],
      stream: true,
      ...(maxTokens === undefined ? {} : { max_tokens: maxTokens }),
    });
    const chunks = await collect(stream);
    const pieces: string[][] = [];
    for (const call of chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? [])) {
      const args = call.function?.arguments ?? '';
      if (args !== '') (pieces[call.index] ??= []).push(args);
    }
    return { pieces, finish: chunks.flatMap((chunk) => chunk.choices).at(-1)?.finish_reason };
  }

  it('streams each call its arguments so far in every chunk with cumulativeArgs=1', async () => {
    const { pieces, finish } = await argumentPieces(
      'sk;tool=1;toolCalls=2;tokens=6;chunks=3;cumulativeArgs=1',
    );
    expect(finish).toBe('tool_calls');
    expect(pieces).toEqual(
      [0, 1].map((call) => [
        `{"mock":"${mockCompletionText(2, call)}`,
        `{"mock":"${mockCompletionText(4, call)}`,
        mockToolArguments(6, call),
      ]),
    );
  });

  it('gives the first call a bare string as its arguments with slipArgs=1, streamed or not', async () => {
    const key = 'sk;tool=1;toolCalls=2;tokens=4;chunks=2;slipArgs=1';
    const { pieces } = await argumentPieces(key);
    expect(pieces.map((call) => call.join(''))).toEqual([
      `"${mockCompletionText(4, 0)}"`,
      mockToolArguments(4, 1),
    ]);
    const plain = await client(key).chat.completions.create({ ...params, tools: [weatherTool] });
    const call = plain.choices[0].message.tool_calls?.[0];
    expect(call?.type === 'function' ? call.function.arguments : null).toBe(`"${mockCompletionText(4, 0)}"`);
  });

  it('cuts the calls at max_tokens with finish_reason length with toolCut=1, streamed or not', async () => {
    const key = 'sk;tool=1;toolCalls=2;tokens=6;chunks=3;toolCut=1';
    const { pieces, finish } = await argumentPieces(key, 3);
    expect(finish).toBe('length');
    expect(pieces.map((call) => call.join(''))).toEqual(
      [0, 1].map((call) => `{"mock":"${mockCompletionText(3, call)}`),
    );
    const plain = await client(key).chat.completions.create({
      ...params,
      tools: [weatherTool],
      max_tokens: 3,
    });
    expect(plain.choices[0].finish_reason).toBe('length');
    // Without a cut (no max_tokens below tokens), the calls are whole.
    expect((await argumentPieces(key)).finish).toBe('tool_calls');
  });

  it('streams no content but bills the tokens with null=1', async () => {
    const stream = await client('sk;null=1;tokens=4').chat.completions.create({
      ...params,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = await collect(stream);
    expect(streamedContent(chunks)).toBe('');
    expect(chunks[chunks.length - 1].usage?.completion_tokens).toBe(4);
  });
});
