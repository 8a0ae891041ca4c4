// Replays the Gemini wire transcripts in __fixtures__ (written by hand from Google's documented
// stream: CRLF-framed `data:` events, each a whole GenerateContentResponse) through SseDecoder and
// GeminiStreamDecoder, cut at every byte boundary (inside multi-byte UTF-8 characters too): the
// canonical events must not depend on how the network chunked the bytes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CanonicalStreamEvent } from '../canonical/canonical-model';
import { SseDecoder } from '../sse/sse-decoder';
import { GeminiStreamDecoder } from './stream';

function fixture(file: string): Uint8Array {
  return new Uint8Array(readFileSync(join(__dirname, '__fixtures__', file)));
}

function replay(chunks: Uint8Array[]): CanonicalStreamEvent[] {
  const sse = new SseDecoder();
  const decoder = new GeminiStreamDecoder();
  const events: CanonicalStreamEvent[] = [];
  const handle = (decoded: ReturnType<SseDecoder['push']>) => {
    for (const event of decoded) events.push(...decoder.decode(event.event ?? null, event.data));
  };
  for (const chunk of chunks) handle(sse.push(chunk));
  handle(sse.end());
  events.push(...decoder.end());
  return events;
}

const START = { type: 'start', id: 'ZmlyZXN0cmVhbTAx', model: 'gemini-2.5-flash' } as const;
const usage = (
  promptTokens: number,
  completionTokens: number,
  more: { cachedTokens?: number; reasoningTokens?: number } = {},
) => ({
  type: 'usage' as const,
  usage: {
    promptTokens,
    completionTokens,
    cachedTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    ...more,
  },
});

/** The counts of a stream that ended without its finishReason: so far, not final. */
const sofar = (promptTokens: number, completionTokens: number) => ({
  ...usage(promptTokens, completionTokens),
  partial: true as const,
});

const EXPECTED: [file: string, events: CanonicalStreamEvent[]][] = [
  [
    // The finishReason comes with the last text; the final counts in a chunk of usage alone.
    'stream-thoughts-usage-last.sse',
    [
      START,
      { type: 'thinking_delta', text: '**Weighing the greeting**\n\nThe user wants' },
      { type: 'thinking_delta', text: ' a short greeting.' },
      { type: 'text_delta', text: '你好，世界！' },
      { type: 'text_delta', text: '今天天气很好🌏 Ünïcödé ✓' },
      // promptTokenCount already includes the 4 cached; thoughts are output apart from candidates.
      usage(12, 49, { cachedTokens: 4, reasoningTokens: 40 }),
      { type: 'finish', finishReason: 'stop' },
    ],
  ],
  [
    'stream-tool-calls.sse',
    [
      START,
      { type: 'text_delta', text: 'Let me check both cities.' },
      { type: 'thinking_signature', signature: 'CiQB0e2Kb3Ab1Lk=', signedBy: 'gemini' },
      { type: 'tool_call_start', index: 0, id: 'call_ZmlyZXN0cmVhbTAx_0', name: 'get_weather' },
      { type: 'tool_call_delta', index: 0, arguments: '{"city":"Paris","units":"celsius"}' },
      { type: 'tool_call_start', index: 1, id: 'call_ZmlyZXN0cmVhbTAx_1', name: 'get_weather' },
      { type: 'tool_call_delta', index: 1, arguments: '{"city":"東京","days":[1,2]}' },
      usage(30, 25),
      { type: 'finish', finishReason: 'tool_calls' },
    ],
  ],
  [
    'stream-blocked-prompt.sse',
    [
      START,
      {
        type: 'error',
        message: 'The prompt was blocked by the upstream (PROHIBITED_CONTENT).',
        code: 'prompt_blocked',
      },
      sofar(8, 0),
    ],
  ],
  [
    // Cut inside its third event: no finish, the counts seen so far.
    'stream-dropped.sse',
    [
      START,
      { type: 'text_delta', text: 'alpha bravo' },
      { type: 'text_delta', text: ' charlie' },
      sofar(5, 3),
    ],
  ],
  [
    'stream-error.sse',
    [
      START,
      { type: 'text_delta', text: 'Once upon' },
      { type: 'error', message: 'The model is overloaded. Please try again later.', code: 'UNAVAILABLE' },
      sofar(5, 0),
    ],
  ],
  [
    'stream-safety.sse',
    [
      START,
      { type: 'text_delta', text: 'Here is how' },
      usage(7, 3),
      { type: 'finish', finishReason: 'content_filter' },
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
