// Replays the Anthropic transcripts in __fixtures__ through SseDecoder + AnthropicStreamDecoder,
// cut at every byte boundary (inside multi-byte UTF-8 characters too): the canonical events must not
// depend on how the network chunked the bytes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CanonicalStreamEvent, CanonicalUsage } from '../canonical/canonical-model';
import { SseDecoder } from '../sse/sse-decoder';
import { AnthropicStreamDecoder } from './stream';

function fixture(file: string): Uint8Array {
  return new Uint8Array(readFileSync(join(__dirname, '__fixtures__', file)));
}

function replay(chunks: Uint8Array[]): CanonicalStreamEvent[] {
  const sse = new SseDecoder();
  const decoder = new AnthropicStreamDecoder();
  const out: CanonicalStreamEvent[] = [];
  const handle = (events: ReturnType<SseDecoder['push']>) => {
    for (const event of events) out.push(...decoder.decode(event.event ?? null, event.data));
  };
  for (const chunk of chunks) handle(sse.push(chunk));
  handle(sse.end());
  out.push(...decoder.end());
  return out;
}

const usage = (fields: Partial<CanonicalUsage>): CanonicalStreamEvent => ({
  type: 'usage',
  usage: {
    promptTokens: 0,
    completionTokens: 0,
    cachedTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    ...fields,
  },
});
/** message_start's count: its output count is a placeholder until message_delta. */
const sofar = (fields: Partial<CanonicalUsage>): CanonicalStreamEvent => {
  const event = usage(fields) as Extract<CanonicalStreamEvent, { type: 'usage' }>;
  return { ...event, partial: true };
};
const text = (t: string): CanonicalStreamEvent => ({ type: 'text_delta', text: t });
const args = (index: number, a: string): CanonicalStreamEvent => ({
  type: 'tool_call_delta',
  index,
  arguments: a,
});

const EXPECTED: Array<[file: string, events: CanonicalStreamEvent[]]> = [
  [
    'messages-stream-text.sse',
    [
      { type: 'start', id: 'msg_01XFDUDYJgAACzvnptvVoYEL', model: 'claude-sonnet-4-5-20250929' },
      // 25 uncached + 3400 read + 1200 written: the whole prompt, OpenAI's convention.
      sofar({ promptTokens: 4625, completionTokens: 1, cachedTokens: 3400, cacheWriteTokens: 1200 }),
      text('Hello'),
      text('! 你好，世界🌏'),
      text(' Ünïcödé ✓'),
      // message_delta's output_tokens is the total so far, and the input counts carry over.
      usage({ promptTokens: 4625, completionTokens: 15, cachedTokens: 3400, cacheWriteTokens: 1200 }),
      { type: 'finish', finishReason: 'stop' },
    ],
  ],
  [
    'messages-stream-tool-use.sse',
    [
      { type: 'start', id: 'msg_014p7gG3wDgGV9EUtLvnow3U', model: 'claude-sonnet-4-5-20250929' },
      sofar({ promptTokens: 472, completionTokens: 2 }),
      text('Okay'),
      text(','),
      text(" let's check the weather for San Francisco, CA:"),
      { type: 'tool_call_start', index: 0, id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', name: 'get_weather' },
      args(0, '{"location":'),
      args(0, ' "San'),
      args(0, ' Francisc'),
      args(0, 'o,'),
      args(0, ' CA"'),
      args(0, ', '),
      args(0, '"unit": "fah'),
      args(0, 'renheit"}'),
      // Block 2 is the second tool call: canonical indices count calls, not blocks.
      { type: 'tool_call_start', index: 1, id: 'toolu_01QnVzKwB5rJ1pNoVbr3xTcE', name: 'get_time' },
      args(1, '{"timezone": "Ameri'),
      args(1, 'ca/Los_Angeles", "note": "日本\\u8a9e"}'),
      usage({ promptTokens: 472, completionTokens: 89 }),
      { type: 'finish', finishReason: 'tool_calls' },
    ],
  ],
  [
    'messages-stream-thinking.sse',
    [
      { type: 'start', id: 'msg_01BnTZ7Mxz3mCf4W5bJ1Ps6A', model: 'claude-sonnet-4-5-20250929' },
      sofar({ promptTokens: 50, completionTokens: 3 }),
      {
        type: 'thinking_delta',
        text: 'I need to find the GCD of 1071 and 462 using the Euclidean algorithm.\n\n1071 = 2 × 462 + 147',
      },
      { type: 'thinking_delta', text: '\n462 = 3 × 147 + 21\n147 = 7 × 21 + 0\n\nSo GCD(1071, 462) = 21' },
      {
        type: 'thinking_signature',
        signature:
          'EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds2Fe7yPvpoBAJNg6ZVWZYWKQx+kJBLXHkLRhVEKcuoNPHg9pqvN5bWt30vZuEJkcoCFShQ7/YBkBbxsB0GbYcvQ0uMb04GVZpWuxVpG7lgkaBgNgK9vb',
        signedBy: 'anthropic',
      },
      {
        type: 'thinking_redacted',
        data: 'EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpPkNRj2YfWXGmKDxH4mPnZ5sQ7vB5URj/bV5',
      },
      text('The greatest common divisor of 1071 and 462 is **21**.'),
      usage({ promptTokens: 50, completionTokens: 212, reasoningTokens: 150 }),
      { type: 'finish', finishReason: 'stop' },
    ],
  ],
  [
    'messages-stream-error.sse',
    [
      { type: 'start', id: 'msg_01Ehv4QbLpVW6pSi5t8CtSgC', model: 'claude-sonnet-4-5-20250929' },
      sofar({ promptTokens: 12, completionTokens: 1 }),
      text('Once upon'),
      { type: 'error', message: 'Overloaded', code: 'overloaded_error' },
    ],
  ],
  [
    'messages-stream-dropped.sse',
    [
      { type: 'start', id: 'msg_01D7FLrfh4GYq7yT1ULFeyMV', model: 'claude-haiku-4-5-20251001' },
      sofar({ promptTokens: 9, completionTokens: 1 }),
      // The half-received delta is not read, and no finish is made up: the relay sees the drop.
      text('alpha bravo'),
    ],
  ],
];

describe.each(EXPECTED)('replaying %s', (file, expected) => {
  const bytes = fixture(file);

  it('gives the expected canonical events', () => {
    expect(replay([bytes])).toEqual(expected);
  });

  it('gives the same events cut at every byte boundary', () => {
    for (let at = 1; at < bytes.length; at++) {
      expect(replay([bytes.subarray(0, at), bytes.subarray(at)])).toEqual(expected);
    }
  });

  it('gives the same events fed one byte at a time', () => {
    expect(replay([...bytes].map((byte) => Uint8Array.of(byte)))).toEqual(expected);
  });
});

describe('AnthropicStreamDecoder', () => {
  it('reads an event whose SSE name a proxy dropped by its data type', () => {
    const decoder = new AnthropicStreamDecoder();
    expect(decoder.decode(null, '{"type":"ping"}')).toEqual([]);
    expect(
      decoder.decode(
        null,
        '{"type":"message_delta","delta":{"stop_reason":"max_tokens"},"usage":{"output_tokens":7}}',
      ),
    ).toEqual([usage({ completionTokens: 7 }), { type: 'finish', finishReason: 'length' }]);
  });

  it('reports a stream event that is not JSON as an error', () => {
    expect(new AnthropicStreamDecoder().decode('content_block_delta', '{"type":')).toEqual([
      { type: 'error', message: 'The upstream sent a stream event that is not JSON.', code: null },
    ]);
  });

  it('reads a tool input sent whole in content_block_start and ignores server tool input', () => {
    const decoder = new AnthropicStreamDecoder();
    const events = [
      ...decoder.decode(
        'content_block_start',
        JSON.stringify({
          type: 'content_block_start',
          index: 0,
          content_block: { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: {} },
        }),
      ),
      ...decoder.decode(
        'content_block_delta',
        JSON.stringify({
          type: 'content_block_delta',
          index: 0,
          delta: { type: 'input_json_delta', partial_json: '{"query":"x"}' },
        }),
      ),
      ...decoder.decode(
        'content_block_start',
        JSON.stringify({
          type: 'content_block_start',
          index: 1,
          content_block: { type: 'tool_use', id: 'toolu_1', name: 'f', input: { a: 1 } },
        }),
      ),
    ];
    expect(events).toEqual([
      { type: 'tool_call_start', index: 0, id: 'toolu_1', name: 'f' },
      args(0, '{"a":1}'),
    ]);
  });
});
