import Anthropic from '@anthropic-ai/sdk';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CanonicalFinishReason, CanonicalResponse } from '../canonical/canonical-model';
import { fromAnthropicStopReason, toAnthropicStopReason } from './finish-reason';
import { decodeAnthropicResponse, encodeAnthropicResponse } from './response';
import { readAnthropicUsage, toCanonicalUsage } from './usage';

const fixture = (file: string): unknown =>
  JSON.parse(readFileSync(join(__dirname, '__fixtures__', file), 'utf8'));

describe('decodeAnthropicResponse', () => {
  it('reads text and a tool call, and every usage field in OpenAI convention', () => {
    expect(decodeAnthropicResponse(fixture('message-tool-use.json'))).toEqual<CanonicalResponse>({
      id: 'msg_01Aq9w938a90dw8q',
      model: 'claude-sonnet-4-5-20250929',
      content: [
        { type: 'text', text: "I'll check the weather." },
        {
          type: 'tool_call',
          id: 'toolu_01A09q90qw90lq917835lq9',
          name: 'get_weather',
          arguments: '{"location":"San Francisco, CA","unit":"celsius"}',
        },
      ],
      finishReason: 'tool_calls',
      // 2095 uncached + 1800 cache reads + 300 cache writes.
      usage: {
        promptTokens: 4195,
        completionTokens: 503,
        cachedTokens: 1800,
        cacheWriteTokens: 300,
        reasoningTokens: 0,
      },
    });
  });

  it('keeps signed and redacted thinking in order, with thinking tokens as reasoning', () => {
    const decoded = decodeAnthropicResponse(fixture('message-thinking.json'));
    expect(decoded.content).toEqual([
      {
        type: 'thinking',
        text: 'Let me analyze this step by step...',
        signature: 'WaUjzkypQ2mUEVM36O2TxuC06KN8xyfbJwyem2dw3URve/op91XWHOEBLLqIOMfFG/UvLEczmEsUjavL',
        signedBy: 'anthropic',
      },
      {
        type: 'thinking',
        text: '',
        redacted: 'EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP',
      },
      { type: 'text', text: 'Based on my analysis...' },
    ]);
    expect(decoded.usage).toEqual({
      promptTokens: 50,
      completionTokens: 300,
      cachedTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 250,
    });
    expect(decoded.finishReason).toBe('stop');
  });

  it('leaves out server tool blocks and reads a body without usage', () => {
    const decoded = decodeAnthropicResponse({
      id: 'm',
      model: 'c',
      content: [
        { type: 'server_tool_use', id: 's', name: 'web_search', input: { query: 'x' } },
        { type: 'web_search_tool_result', tool_use_id: 's', content: [] },
        { type: 'text', text: 'found' },
      ],
      stop_reason: null,
    });
    expect(decoded).toEqual({
      id: 'm',
      model: 'c',
      content: [{ type: 'text', text: 'found' }],
      finishReason: null,
      usage: null,
    });
  });
});

describe('encodeAnthropicResponse', () => {
  it('writes a Message the SDK returns unchanged, decoding back to the same canonical answer', async () => {
    const canonical = decodeAnthropicResponse(fixture('message-thinking.json'));
    const encoded = encodeAnthropicResponse(canonical);
    const client = new Anthropic({
      apiKey: 'k',
      baseURL: 'http://gateway.test',
      maxRetries: 0,
      fetch: async () => Response.json(encoded),
    });
    const message = await client.messages.create({
      model: 'c',
      max_tokens: 10,
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(message).toEqual(encoded);
    expect(decodeAnthropicResponse(message)).toEqual(canonical);
  });

  it('writes tool calls as tool_use input objects and usage with the cache apart from input_tokens', () => {
    const encoded = encodeAnthropicResponse(decodeAnthropicResponse(fixture('message-tool-use.json')));
    const original = fixture('message-tool-use.json') as Record<string, unknown>;
    expect(encoded['content']).toEqual(original['content']);
    expect(encoded['stop_reason']).toBe('tool_use');
    expect(encoded['usage']).toEqual({
      input_tokens: 2095,
      cache_creation_input_tokens: 300,
      cache_read_input_tokens: 1800,
      output_tokens: 503,
    });
  });

  it("signs another format's thinking with the gateway's mark, never with an empty signature", () => {
    const encoded = encodeAnthropicResponse({
      id: 'x',
      model: 'gemini-2.5-pro',
      content: [
        { type: 'thinking', text: 'unsigned thought' },
        { type: 'thinking', text: 'signed thought', signature: 'c2ln', signedBy: 'gemini' },
        { type: 'text', text: 'answer' },
      ],
      finishReason: 'stop',
      usage: null,
    });
    expect(encoded['content']).toEqual([
      { type: 'thinking', thinking: 'unsigned thought', signature: 'llm-gateway:unsigned:' },
      { type: 'thinking', thinking: 'signed thought', signature: 'llm-gateway:gemini:c2ln' },
      { type: 'text', text: 'answer' },
    ]);
  });

  it('writes zero usage when the answer has none, and {} for arguments that are not an object', () => {
    const encoded = encodeAnthropicResponse({
      id: 'x',
      model: 'm',
      content: [{ type: 'tool_call', id: 'c', name: 'f', arguments: 'not json' }],
      finishReason: 'content_filter',
      usage: null,
    });
    expect(encoded).toMatchObject({
      content: [{ type: 'tool_use', id: 'c', name: 'f', input: {} }],
      stop_reason: 'refusal',
      usage: { input_tokens: 0, output_tokens: 0 },
    });
  });
});

describe('stop reasons', () => {
  it.each<[string, CanonicalFinishReason]>([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['max_tokens', 'length'],
    ['model_context_window_exceeded', 'length'],
    ['tool_use', 'tool_calls'],
    ['refusal', 'refusal'],
    ['pause_turn', 'pause'],
  ])('%s reads as %s', (wire, canonical) => {
    expect(fromAnthropicStopReason(wire)).toBe(canonical);
  });

  it('reads a missing one as null and one Anthropic adds later as a stop', () => {
    expect(fromAnthropicStopReason(null)).toBeNull();
    expect(fromAnthropicStopReason('some_future_reason')).toBe('stop');
  });

  it.each<[CanonicalFinishReason | null, string]>([
    ['stop', 'end_turn'],
    ['length', 'max_tokens'],
    ['tool_calls', 'tool_use'],
    ['content_filter', 'refusal'],
    ['refusal', 'refusal'],
    ['pause', 'pause_turn'],
    ['error', 'end_turn'],
    [null, 'end_turn'],
  ])('%s is written as %s', (canonical, wire) => {
    expect(toAnthropicStopReason(canonical)).toBe(wire);
  });
});

describe('usage', () => {
  it('keeps counters a message_delta leaves out or nulls, and takes the new totals', () => {
    const start = readAnthropicUsage({
      input_tokens: 10,
      cache_read_input_tokens: 5,
      cache_creation_input_tokens: 2,
      output_tokens: 1,
    });
    const end = readAnthropicUsage(
      { output_tokens: 30, cache_read_input_tokens: null, input_tokens: 11 },
      start,
    );
    expect(toCanonicalUsage(end)).toEqual({
      promptTokens: 18,
      completionTokens: 30,
      cachedTokens: 5,
      cacheWriteTokens: 2,
      reasoningTokens: 0,
    });
  });

  it('never reports more reasoning than output', () => {
    const counts = readAnthropicUsage({
      input_tokens: 1,
      output_tokens: 3,
      output_tokens_details: { thinking_tokens: 9 },
    });
    expect(toCanonicalUsage(counts).reasoningTokens).toBe(3);
  });
});
