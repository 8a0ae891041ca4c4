// The client side of /v1/messages: what AnthropicStreamEncoder writes must parse with the official
// `@anthropic-ai/sdk` (its MessageStream over a fake fetch) and reassemble text, thinking, signatures
// and tool input JSON exactly, with finalMessage().usage right.
import Anthropic, { APIError } from '@anthropic-ai/sdk';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CanonicalStreamEvent, CanonicalUsage } from '../canonical/canonical-model';
import { anthropicStreamGrammarViolations } from '@gateway/testing';
import { GeminiStreamDecoder } from '../gemini/stream';
import { SseDecoder } from '../sse/sse-decoder';
import { AnthropicStreamDecoder, AnthropicStreamEncoder, anthropicPingEvent } from './stream';

/** A client whose every request is answered with `sse` as an event stream. */
function clientAnswering(sse: string): Anthropic {
  return new Anthropic({
    apiKey: 'sk-ant-test',
    baseURL: 'http://gateway.test',
    maxRetries: 0,
    fetch: async () => new Response(sse, { status: 200, headers: { 'content-type': 'text/event-stream' } }),
  });
}

function streamOf(sse: string) {
  return clientAnswering(sse).messages.stream({
    model: 'claude-sonnet-4-5',
    max_tokens: 1024,
    messages: [{ role: 'user', content: 'Hi' }],
  });
}

function encodeAll(events: CanonicalStreamEvent[]): string {
  const encoder = new AnthropicStreamEncoder();
  return events.map((event) => encoder.encode(event)).join('') + encoder.finish();
}

/** The raw events of `sse`, as the SDK's own SSE parser reads them. */
function rawEvents(sse: string): Array<{ event: string | undefined; data: Record<string, unknown> }> {
  const decoder = new SseDecoder();
  return [...decoder.push(new TextEncoder().encode(sse)), ...decoder.end()].map((e) => ({
    event: e.event,
    data: JSON.parse(e.data) as Record<string, unknown>,
  }));
}

const usage = (fields: Partial<CanonicalUsage>): CanonicalUsage => ({
  promptTokens: 0,
  completionTokens: 0,
  cachedTokens: 0,
  cacheWriteTokens: 0,
  reasoningTokens: 0,
  ...fields,
});

// Arguments as an OpenAI upstream streams them: split anywhere, multi-byte text and escapes included.
const WEATHER_ARGS = ['{"loc', 'ation": "São', ' Paulo, 日本', '\\"quoted\\"", "unit', '": "c"}'];
const TIME_ARGS = ['{"tz":', ' "UTC"}'];

/** A tool-call answer in the order an OpenAI-compatible upstream gives it: usage after finish. */
const OPENAI_ORDER: CanonicalStreamEvent[] = [
  { type: 'start', id: 'chatcmpl-1', model: 'gpt-4o-mini' },
  { type: 'text_delta', text: 'Checking ' },
  { type: 'text_delta', text: 'two things…' },
  { type: 'tool_call_start', index: 0, id: 'call_a', name: 'get_weather' },
  ...WEATHER_ARGS.map((a): CanonicalStreamEvent => ({ type: 'tool_call_delta', index: 0, arguments: a })),
  { type: 'tool_call_start', index: 1, id: 'call_b', name: 'get_time' },
  ...TIME_ARGS.map((a): CanonicalStreamEvent => ({ type: 'tool_call_delta', index: 1, arguments: a })),
  { type: 'finish', finishReason: 'tool_calls' },
  {
    type: 'usage',
    usage: usage({ promptTokens: 1500, completionTokens: 40, cachedTokens: 1024, reasoningTokens: 8 }),
  },
];

describe('AnthropicStreamEncoder, read by @anthropic-ai/sdk', () => {
  it('reassembles text and every tool input exactly, with usage and stop reason', async () => {
    const stream = streamOf(encodeAll(OPENAI_ORDER));
    const texts: string[] = [];
    const json: string[] = [];
    stream.on('text', (delta) => texts.push(delta));
    stream.on('inputJson', (partial) => json.push(partial));
    const message = await stream.finalMessage();

    expect(texts.join('')).toBe('Checking two things…');
    expect(json.join('')).toBe(WEATHER_ARGS.join('') + TIME_ARGS.join(''));
    expect(message.id).toBe('chatcmpl-1');
    expect(message.model).toBe('gpt-4o-mini');
    expect(message.content).toEqual([
      { type: 'text', text: 'Checking two things…' },
      { type: 'tool_use', id: 'call_a', name: 'get_weather', input: JSON.parse(WEATHER_ARGS.join('')) },
      { type: 'tool_use', id: 'call_b', name: 'get_time', input: { tz: 'UTC' } },
    ]);
    expect(message.stop_reason).toBe('tool_use');
    // Anthropic's input_tokens excludes the cache: 1500 - 1024 read.
    expect(message.usage).toMatchObject({
      input_tokens: 476,
      cache_read_input_tokens: 1024,
      cache_creation_input_tokens: 0,
      output_tokens: 40,
      output_tokens_details: { thinking_tokens: 8 },
    });
  });

  it('writes the full event sequence with consecutive block indices, each block started and stopped once', () => {
    const events = rawEvents(encodeAll(OPENAI_ORDER));
    const names = events.map((e) => e.event);
    expect(names[0]).toBe('message_start');
    expect(names.slice(-2)).toEqual(['message_delta', 'message_stop']);
    for (const e of events) expect(e.data['type']).toBe(e.event);
    const starts = events.filter((e) => e.event === 'content_block_start').map((e) => e.data['index']);
    const stops = events.filter((e) => e.event === 'content_block_stop').map((e) => e.data['index']);
    expect(starts).toEqual([0, 1, 2]);
    expect(stops).toEqual([0, 1, 2]);
    // Every delta goes to the block that is open at the time.
    let open = -1;
    for (const e of events) {
      if (e.event === 'content_block_start') open = e.data['index'] as number;
      if (e.event === 'content_block_delta') expect(e.data['index']).toBe(open);
      if (e.event === 'content_block_stop') open = -1;
    }
  });

  it.each(['messages-stream-text.sse', 'messages-stream-tool-use.sse', 'messages-stream-thinking.sse'])(
    'carries %s from an Anthropic upstream to the SDK as the SDK reads the upstream itself',
    async (file) => {
      const upstream = readFileSync(join(__dirname, '__fixtures__', file), 'utf8');
      const decoder = new AnthropicStreamDecoder();
      const canonical = rawEvents(upstream).flatMap((e) =>
        decoder.decode(e.event ?? null, JSON.stringify(e.data)),
      );
      const direct = await streamOf(upstream).finalMessage();
      const relayed = await streamOf(encodeAll(canonical)).finalMessage();

      expect(relayed.content).toEqual(direct.content);
      expect(relayed.stop_reason).toBe(direct.stop_reason);
      expect(relayed.id).toBe(direct.id);
      for (const field of [
        'input_tokens',
        'output_tokens',
        'cache_read_input_tokens',
        'cache_creation_input_tokens',
      ] as const) {
        expect(relayed.usage[field] ?? 0).toBe(direct.usage[field] ?? 0);
      }
    },
  );

  it('keeps thinking, its signature and a redacted block apart, and starts a new block after a signature', async () => {
    const message = await streamOf(
      encodeAll([
        { type: 'start', id: 'msg_1', model: 'claude' },
        { type: 'thinking_delta', text: 'first ' },
        { type: 'thinking_delta', text: 'thought' },
        { type: 'thinking_signature', signature: 'sig-1', signedBy: 'anthropic' },
        { type: 'thinking_delta', text: 'second' },
        { type: 'thinking_signature', signature: 'sig-2', signedBy: 'anthropic' },
        { type: 'thinking_redacted', data: 'opaque' },
        { type: 'text_delta', text: 'answer' },
        { type: 'finish', finishReason: 'stop' },
      ]),
    ).finalMessage();
    expect(message.content).toEqual([
      { type: 'thinking', thinking: 'first thought', signature: 'sig-1' },
      { type: 'thinking', thinking: 'second', signature: 'sig-2' },
      { type: 'redacted_thinking', data: 'opaque' },
      { type: 'text', text: 'answer' },
    ]);
    expect(message.stop_reason).toBe('end_turn');
  });

  it("signs another format's thinking with the gateway's mark, never an empty or a foreign signature", async () => {
    const message = await streamOf(
      encodeAll([
        { type: 'start', id: 'msg_1', model: 'gemini' },
        { type: 'thinking_delta', text: 'unsigned thought' },
        { type: 'text_delta', text: 'answer' },
        { type: 'thinking_delta', text: 'signed thought' },
        { type: 'thinking_signature', signature: 'c2ln', signedBy: 'gemini' },
        { type: 'thinking_delta', text: 'last thought' },
        { type: 'finish', finishReason: 'stop' },
      ]),
    ).finalMessage();
    expect(message.content).toEqual([
      { type: 'thinking', thinking: 'unsigned thought', signature: 'llm-gateway:unsigned:' },
      { type: 'text', text: 'answer' },
      { type: 'thinking', thinking: 'signed thought', signature: 'llm-gateway:gemini:c2ln' },
      { type: 'thinking', thinking: 'last thought', signature: 'llm-gateway:unsigned:' },
    ]);
  });

  it('ends a broken stream with an error event the SDK throws, never message_stop', async () => {
    const encoder = new AnthropicStreamEncoder();
    const sse =
      encoder.encode({ type: 'start', id: 'msg_2', model: 'claude' }) +
      encoder.encode({ type: 'text_delta', text: 'Once upon' }) +
      anthropicPingEvent() +
      encoder.fail('The upstream dropped the stream.', 'overloaded_error');
    expect(rawEvents(sse).map((e) => e.event)).not.toContain('message_stop');
    const stream = streamOf(sse);
    const texts: string[] = [];
    stream.on('text', (delta) => texts.push(delta));
    const failure = await stream.finalMessage().then(
      () => null,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(APIError);
    expect((failure as APIError).type).toBe('overloaded_error');
    expect((failure as APIError).error).toEqual({
      type: 'error',
      error: { type: 'overloaded_error', message: 'The upstream dropped the stream.' },
    });
    expect(texts).toEqual(['Once upon']);
  });

  it('sends a gateway code the SDK does not know as api_error, and an upstream error event as one', () => {
    const encoder = new AnthropicStreamEncoder();
    expect(rawEvents(encoder.fail('boom', 'upstream_failed'))[0]?.data).toEqual({
      type: 'error',
      error: { type: 'api_error', message: 'boom' },
    });
    expect(
      rawEvents(encoder.encode({ type: 'error', message: 'slow down', code: 'rate_limit_error' }))[0]?.data,
    ).toEqual({
      type: 'error',
      error: { type: 'rate_limit_error', message: 'slow down' },
    });
  });

  it('puts input counts an upstream gave before any content into message_start', () => {
    const encoder = new AnthropicStreamEncoder();
    encoder.encode({ type: 'start', id: 'msg_3', model: 'claude' });
    encoder.encode({
      type: 'usage',
      usage: usage({ promptTokens: 30, cacheWriteTokens: 10, completionTokens: 1 }),
    });
    const first = rawEvents(encoder.encode({ type: 'text_delta', text: 'x' }))[0];
    expect(first?.event).toBe('message_start');
    expect((first?.data['message'] as Record<string, unknown>)['usage']).toEqual({
      input_tokens: 20,
      cache_creation_input_tokens: 10,
      cache_read_input_tokens: 0,
      output_tokens: 1,
    });
  });
});

/** Arguments `pieces` of call `index`, one delta each. */
const argDeltas = (index: number, pieces: readonly string[]): CanonicalStreamEvent[] =>
  pieces.map((a) => ({ type: 'tool_call_delta', index, arguments: a }));

/** Interleaves the delta lists, one of each in turn, as OpenAI streams parallel calls. */
function interleave(...lists: CanonicalStreamEvent[][]): CanonicalStreamEvent[] {
  const out: CanonicalStreamEvent[] = [];
  for (let i = 0; i < Math.max(...lists.map((l) => l.length)); i++)
    for (const list of lists) if (i < list.length) out.push(list[i]);
  return out;
}

const SEARCH_ARGS = ['{"q": "brace } in', ' a string {", "n"', ': [1, {"x": 2}]}'];
const callStart = (index: number, name: string): CanonicalStreamEvent => ({
  type: 'tool_call_start',
  index,
  id: `call_${index}`,
  name,
});
const ending: CanonicalStreamEvent[] = [
  { type: 'finish', finishReason: 'tool_calls' },
  { type: 'usage', usage: usage({ promptTokens: 10, completionTokens: 20 }) },
];

/** Orders in which upstreams have sent parallel calls; every one must reach the client well-formed. */
const INTERLEAVINGS: Array<[name: string, events: CanonicalStreamEvent[]]> = [
  [
    'both calls announced, then their arguments alternating',
    [
      { type: 'start', id: 'chatcmpl-p', model: 'gpt-4o' },
      { type: 'text_delta', text: 'Two calls.' },
      callStart(0, 'get_weather'),
      callStart(1, 'get_time'),
      ...interleave(argDeltas(0, WEATHER_ARGS), argDeltas(1, TIME_ARGS)),
      ...ending,
    ],
  ],
  [
    'each call announced in turn, arguments alternating',
    [
      { type: 'start', id: 'chatcmpl-p', model: 'gpt-4o' },
      callStart(0, 'get_weather'),
      ...argDeltas(0, WEATHER_ARGS.slice(0, 1)),
      callStart(1, 'get_time'),
      ...interleave(argDeltas(1, TIME_ARGS), argDeltas(0, WEATHER_ARGS.slice(1))),
      ...ending,
    ],
  ],
  [
    'three calls, the last finishing before the middle one, braces inside strings',
    [
      { type: 'start', id: 'chatcmpl-p', model: 'gpt-4o' },
      callStart(0, 'get_weather'),
      callStart(1, 'search'),
      callStart(2, 'get_time'),
      ...interleave(argDeltas(2, TIME_ARGS), argDeltas(0, WEATHER_ARGS), argDeltas(1, SEARCH_ARGS)),
      ...ending,
    ],
  ],
  [
    'text arriving while a call is half-way through its arguments',
    [
      { type: 'start', id: 'chatcmpl-p', model: 'gpt-4o' },
      callStart(0, 'get_weather'),
      ...argDeltas(0, WEATHER_ARGS.slice(0, 2)),
      { type: 'text_delta', text: 'meanwhile' },
      callStart(1, 'get_time'),
      ...interleave(argDeltas(1, TIME_ARGS), argDeltas(0, WEATHER_ARGS.slice(2))),
      ...ending,
    ],
  ],
];

describe('AnthropicStreamEncoder, parallel tool calls whose arguments interleave', () => {
  it.each(INTERLEAVINGS)('%s: one block at a time, start → deltas → stop', (_name, events) => {
    const problems = anthropicStreamGrammarViolations(
      rawEvents(encodeAll(events)).map((e) => ({ type: e.event ?? '', index: e.data['index'] })),
    );
    expect(problems).toEqual([]);
  });

  it.each(INTERLEAVINGS)('%s: every tool input arrives whole in its own block', async (_name, events) => {
    const message = await streamOf(encodeAll(events)).finalMessage();
    const expected = new Map<string, string>();
    for (const e of events) {
      if (e.type === 'tool_call_delta') {
        const id = `call_${e.index}`;
        expected.set(id, (expected.get(id) ?? '') + e.arguments);
      }
    }
    const inputs = message.content.flatMap((block) => (block.type === 'tool_use' ? [block] : []));
    expect(inputs.map((b) => b.id).sort()).toEqual([...expected.keys()].sort());
    for (const block of inputs) expect(block.input).toEqual(JSON.parse(expected.get(block.id) ?? ''));
    // Each block's deltas, read off the wire, are its arguments in order (nothing lost at a stop).
    const wire = rawEvents(encodeAll(events));
    for (const start of wire.filter((e) => e.event === 'content_block_start')) {
      const block = start.data['content_block'] as { type: string; id?: string };
      if (block.type !== 'tool_use') continue;
      const json = wire
        .filter((e) => e.event === 'content_block_delta' && e.data['index'] === start.data['index'])
        .map((e) => (e.data['delta'] as { partial_json: string }).partial_json)
        .join('');
      expect(json).toBe(expected.get(block.id ?? ''));
    }
    const text = events.flatMap((e) => (e.type === 'text_delta' ? [e.text] : [])).join('');
    const textBlocks = message.content.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join('');
    expect(textBlocks).toBe(text);
  });

  it('ends a call whose arguments never close at the end of the stream, and sends the ones behind it then', () => {
    const events: CanonicalStreamEvent[] = [
      { type: 'start', id: 'chatcmpl-r', model: 'gpt-4o' },
      callStart(0, 'broken'),
      callStart(1, 'get_time'),
      ...interleave(argDeltas(0, ['{"a": "never', ' closed']), argDeltas(1, TIME_ARGS)),
      { type: 'text_delta', text: 'after' },
      ...ending,
    ];
    const wire = rawEvents(encodeAll(events));
    expect(
      anthropicStreamGrammarViolations(wire.map((e) => ({ type: e.event ?? '', index: e.data['index'] }))),
    ).toEqual([]);
    const starts = wire.filter((e) => e.event === 'content_block_start').map((e) => e.data['content_block']);
    expect(starts).toEqual([
      expect.objectContaining({ type: 'tool_use', name: 'broken' }),
      expect.objectContaining({ type: 'text' }),
      expect.objectContaining({ type: 'tool_use', name: 'get_time' }),
    ]);
    const partial = (index: number) =>
      wire
        .filter((e) => e.event === 'content_block_delta' && e.data['index'] === index)
        .map((e) => (e.data['delta'] as { partial_json?: string; text?: string }).partial_json ?? '')
        .join('');
    expect(partial(0)).toBe('{"a": "never closed');
    expect(partial(2)).toBe(TIME_ARGS.join(''));
  });

  // A model's slip: arguments that are a bare string, a number, an array or not JSON at all. The
  // SDK parses a tool_use block's input from its deltas and throws on, or returns, a non-object;
  // the non-streamed answer gives such a call `input: {}`, and so must the stream.
  it.each([
    ['a bare JSON string', ['"hel', 'lo"']],
    ['text that is not JSON', ['hello ', 'world']],
    ['an array', ['[1, ', '2]']],
    ['a number after spaces', ['  ', '42']],
  ])(
    'sends a call whose arguments are %s with input {}, the calls behind it at once',
    async (_name, pieces) => {
      const encoder = new AnthropicStreamEncoder();
      const head = [
        { type: 'start', id: 'chatcmpl-s', model: 'gpt-4o' },
        callStart(0, 'slip'),
        callStart(1, 'get_time'),
        ...argDeltas(0, pieces),
        argDeltas(1, TIME_ARGS)[0],
      ] satisfies CanonicalStreamEvent[];
      const early = head.map((event) => encoder.encode(event)).join('');
      // The slip can never become an object: get_time need not wait for the end of the stream.
      expect(early).toContain('"name":"get_time"');
      const sse =
        early +
        [...argDeltas(1, TIME_ARGS.slice(1)), ...ending].map((event) => encoder.encode(event)).join('') +
        encoder.finish();
      const message = await streamOf(sse).finalMessage();
      const calls = message.content.flatMap((block) => (block.type === 'tool_use' ? [block] : []));
      expect(calls.map((block) => [block.name, block.input])).toEqual([
        ['slip', {}],
        ['get_time', { tz: 'UTC' }],
      ]);
    },
  );

  // Mistral, Groq and GLM-style OpenAI-compatible servers send a call's whole arguments again after
  // its pieces. Streamed on as deltas, `{…}{…}` made the SDK's finalMessage throw.
  it("sends nothing after a call's whole object, when an upstream resends the arguments", async () => {
    const sse = encodeAll([
      { type: 'start', id: 'chatcmpl-d', model: 'mistral-large' },
      callStart(0, 'get_time'),
      ...argDeltas(0, [...TIME_ARGS, TIME_ARGS.join('')]),
      callStart(1, 'get_weather'),
      callStart(2, 'search'),
      ...argDeltas(2, ['{"q": "x"}{"q": "x"}']),
      ...argDeltas(1, ['{"city": "Paris"}', '{"city": "Paris"}']),
      ...ending,
    ]);
    const message = await streamOf(sse).finalMessage();
    expect(message.content.map((block) => (block.type === 'tool_use' ? block.input : block))).toEqual([
      { tz: 'UTC' },
      { city: 'Paris' },
      { q: 'x' },
    ]);
  });

  it("drops the spaces before a call's opening brace, which are no part of its input", async () => {
    const sse = encodeAll([
      { type: 'start', id: 'chatcmpl-w', model: 'gpt-4o' },
      callStart(0, 'get_time'),
      ...argDeltas(0, [' ', '\n ', ...TIME_ARGS]),
      ...ending,
    ]);
    const message = await streamOf(sse).finalMessage();
    expect(message.content).toEqual([expect.objectContaining({ name: 'get_time', input: { tz: 'UTC' } })]);
  });

  it('streams text and a call that follows a finished one at once, not at the end', () => {
    const encoder = new AnthropicStreamEncoder();
    encoder.encode({ type: 'start', id: 'chatcmpl-q', model: 'gpt-4o' });
    expect(encoder.encode({ type: 'text_delta', text: 'first' })).toContain('"text":"first"');
    encoder.encode(callStart(0, 'get_weather'));
    for (const e of argDeltas(0, WEATHER_ARGS)) expect(encoder.encode(e)).toContain('input_json_delta');
    expect(encoder.encode(callStart(1, 'get_time'))).toContain('"name":"get_time"');
    expect(encoder.encode(argDeltas(1, TIME_ARGS)[0])).toContain('input_json_delta');
  });

  it('holds a later call until the open one is complete, then sends it whole, in call order', () => {
    const encoder = new AnthropicStreamEncoder();
    encoder.encode({ type: 'start', id: 'chatcmpl-q', model: 'gpt-4o' });
    encoder.encode(callStart(0, 'get_weather'));
    encoder.encode(argDeltas(0, WEATHER_ARGS)[0]);
    expect(encoder.encode(callStart(1, 'get_time'))).toBe('');
    expect(encoder.encode(argDeltas(1, TIME_ARGS)[0])).toBe('');
    // The rest of call 0: its block closes and call 1's opens with what it had so far.
    const rest = argDeltas(0, WEATHER_ARGS.slice(1))
      .map((e) => encoder.encode(e))
      .join('');
    const names = rawEvents(rest).map((e) => `${e.event}:${String(e.data['index'])}`);
    expect(names.slice(-3)).toEqual([
      'content_block_stop:0',
      'content_block_start:1',
      'content_block_delta:1',
    ]);
  });
});

describe('Gemini upstream → /v1/messages client', () => {
  it('writes parallel function calls and surrounding text as well-formed blocks', () => {
    const upstream = readFileSync(
      join(__dirname, '..', 'gemini', '__fixtures__', 'stream-tool-calls.sse'),
      'utf8',
    );
    const decoder = new GeminiStreamDecoder();
    const canonical = [
      ...rawEvents(upstream).flatMap((e) => decoder.decode(null, JSON.stringify(e.data))),
      ...decoder.end(),
    ];
    const wire = rawEvents(encodeAll(canonical));
    expect(
      anthropicStreamGrammarViolations(wire.map((e) => ({ type: e.event ?? '', index: e.data['index'] }))),
    ).toEqual([]);
    const tools = wire.filter(
      (e) =>
        e.event === 'content_block_start' &&
        (e.data['content_block'] as { type: string }).type === 'tool_use',
    );
    expect(tools).toHaveLength(2);
  });
});
