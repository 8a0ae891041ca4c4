// Replays the wire transcripts in __fixtures__ through decoder + observer, cut at every possible
// byte boundary (inside multi-byte UTF-8 characters too): the relay sees whatever chunking the
// network produces, and the outcome must not depend on it.
import { mockCompletionText } from '@gateway/mock-upstream';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StreamOutcome } from '../provider-adapter';
import { SseDecoder } from '../sse/sse-decoder';
import { encodeSseEvent } from '../sse/sse-encoder';
import type { SseEvent } from '../sse/sse-event';
import { OpenAiStreamObserver } from './stream';

const PROMPT_ESTIMATE = 42;

function fixture(file: string): Uint8Array {
  return new Uint8Array(readFileSync(join(__dirname, '__fixtures__', file)));
}

interface Replay {
  forwarded: SseEvent[];
  /** What the client is sent: the forwarded events and the observer's own text, in order. */
  wire: Uint8Array[];
  outcome: StreamOutcome;
}

/** What the relay would do: decode each chunk, let the observer judge each event, forward the rest. */
function replay(chunks: Uint8Array[], clientAskedForUsage = false): Replay {
  const decoder = new SseDecoder();
  let eventIndex = 0;
  // The clock reads the event number, so firstContentAt says which event carried the first content.
  const watch = new OpenAiStreamObserver({
    clientAskedForUsage,
    promptTokens: PROMPT_ESTIMATE,
    now: () => eventIndex,
  });
  const forwarded: SseEvent[] = [];
  const wire: Uint8Array[] = [];
  const handle = (events: SseEvent[]) => {
    for (const event of events) {
      const observed = watch.observe(event);
      if (!observed.suppress && 'event' in observed) {
        forwarded.push(observed.event);
        wire.push(encodeSseEvent(observed.event));
      }
      if (!observed.suppress && 'text' in observed) wire.push(Buffer.from(observed.text));
      eventIndex++;
    }
  };
  for (const chunk of chunks) handle(decoder.push(chunk));
  handle(decoder.end());
  return { forwarded, wire, outcome: watch.outcome() };
}

/**
 * A replay as one string: the events, each piece sent to the client (base64) and the outcome. Compared
 * cut by cut, it says what toEqual would, where toEqual, walking each piece's bytes one at a time for
 * thousands of cuts, took most of a minute.
 */
function fingerprint(replayed: Replay): string {
  return JSON.stringify({
    forwarded: replayed.forwarded,
    wire: replayed.wire.map((piece) => Buffer.from(piece).toString('base64')),
    outcome: replayed.outcome,
  });
}

function concat(parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

const outcome = (fields: Partial<StreamOutcome>): StreamOutcome => ({
  usage: null,
  usageSource: 'counted',
  finishReason: 'stop',
  sawDone: true,
  firstContentAt: 1,
  upstreamError: null,
  ...fields,
});
const counted = (completionTokens: number) => ({
  promptTokens: PROMPT_ESTIMATE,
  completionTokens,
  cachedTokens: 0,
  reasoningTokens: 0,
});
const upstream = (promptTokens: number, completionTokens: number) => ({
  promptTokens,
  completionTokens,
  cachedTokens: 0,
  reasoningTokens: 0,
});

const CHINESE_TEXT = '你好，世界！今天天气很好🌏，我们去公园散步吧。Ünïcödé ✓ 🚀';

const EXPECTED: [file: string, expected: StreamOutcome, usageChunks: number][] = [
  ['chat-stream-usage.sse', outcome({ usage: upstream(13, 12), usageSource: 'upstream' }), 1],
  ['chat-stream-no-usage.sse', outcome({ usage: counted(countTokens(mockCompletionText(12))) }), 0],
  [
    'chat-stream-tool-call.sse',
    outcome({
      usage: upstream(13, 12),
      usageSource: 'upstream',
      finishReason: 'tool_calls',
      firstContentAt: 0,
    }),
    1,
  ],
  [
    'chat-stream-dropped.sse',
    outcome({ usage: counted(countTokens('alpha bravo charlie')), finishReason: null, sawDone: false }),
    0,
  ],
  [
    'completions-stream-usage.sse',
    outcome({ usage: upstream(2, 7), usageSource: 'upstream', firstContentAt: 0 }),
    1,
  ],
  ['chat-stream-chinese.sse', outcome({ usage: counted(countTokens(CHINESE_TEXT)) }), 0],
];

describe.each(EXPECTED)('replaying %s', (file, expected, usageChunks) => {
  const bytes = fixture(file);
  const whole = replay([bytes]);

  it('gives the expected outcome', () => {
    expect(whole.outcome).toEqual(expected);
  });

  it('gives the same events and outcome cut at every byte boundary', () => {
    const expected = fingerprint(whole);
    for (let at = 1; at < bytes.length; at++) {
      const cut = replay([bytes.subarray(0, at), bytes.subarray(at)]);
      // toEqual only where they differ, for its diff.
      if (fingerprint(cut) !== expected) expect({ at, ...cut }).toEqual({ at, ...whole });
    }
  });

  it('gives the same events and outcome fed one byte at a time', () => {
    expect(replay([...bytes].map((byte) => Uint8Array.of(byte)))).toEqual(whole);
  });

  it('forwards the upstream bytes to a client that asked for usage, adding the count the upstream did not send', () => {
    const asked = replay([bytes], true);
    expect(asked.outcome).toEqual(expected);
    const wire = Buffer.from(concat(asked.wire)).toString();
    const sent = Buffer.from(bytes).toString();
    if (usageChunks > 0 || !expected.sawDone) {
      expect(wire).toBe(sent);
      return;
    }
    // OpenAI's include_usage ending: a chunk with empty choices and the billed usage, then [DONE].
    const done = sent.lastIndexOf('data: [DONE]');
    expect(wire.slice(0, done)).toBe(sent.slice(0, done));
    const added = /^data: (\{.*\})\n\n/.exec(wire.slice(done));
    expect(wire.slice(done + (added?.[0].length ?? 0))).toBe(sent.slice(done));
    const first = JSON.parse(asked.forwarded[0]?.data ?? '{}');
    expect(JSON.parse(added?.[1] ?? '{}')).toEqual({
      id: first.id,
      object: 'chat.completion.chunk',
      created: first.created,
      model: first.model,
      choices: [],
      usage: {
        prompt_tokens: expected.usage?.promptTokens,
        completion_tokens: expected.usage?.completionTokens,
        total_tokens: (expected.usage?.promptTokens ?? 0) + (expected.usage?.completionTokens ?? 0),
        prompt_tokens_details: { cached_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0 },
      },
    });
  });

  it('forwards everything but the usage-only chunk to a client that did not', () => {
    const asked = replay([bytes], true);
    const isUsageOnly = (event: SseEvent) => /^\{.*"choices":\[\],"usage":\{/.test(event.data);
    expect(asked.forwarded.filter(isUsageOnly)).toHaveLength(usageChunks);
    const sent = new SseDecoder().push(concat(asked.wire));
    expect(whole.forwarded).toEqual(sent.filter((event) => !isUsageOnly(event)));
  });
});
