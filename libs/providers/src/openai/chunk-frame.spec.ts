import { seededRandom } from '@gateway/testing';
import type { ObservedEvent, StreamObserverOptions } from '../provider-adapter';
import type { SseEvent } from '../sse/sse-event';
import { ChunkFrame } from './chunk-frame';
import { OpenAiStreamObserver } from './stream';

const HEAD = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1733, model: 'gpt-4o' };
const text = (content: string, extra: object = {}) =>
  JSON.stringify({
    ...HEAD,
    system_fingerprint: 'fp_1',
    choices: [{ index: 0, delta: { content }, logprobs: null, finish_reason: null }],
    ...extra,
  });

function learned(data: string): ChunkFrame {
  const frame = new ChunkFrame();
  frame.learn(data, JSON.parse(data));
  return frame;
}

describe('ChunkFrame', () => {
  it("reads a text chunk in the frame of one parsed before, and only a plain string's text", () => {
    const frame = learned(text('Hello'));
    expect(frame.match(text(' world'))).toEqual({ field: 'content', text: ' world' });
    expect(frame.match(text(''))).toEqual({ field: 'content', text: '' });
    // Text that needs an escape, or could close the string, is parsed instead.
    for (const piece of ['say "hi"', 'a\\b', 'line\nbreak', 'tab\t', '\u0001']) {
      expect(frame.match(text(piece))).toBeNull();
    }
    // So is anything that is not the same frame.
    expect(frame.match(text('x', { id: 'chatcmpl-2' }))).toBeNull();
    expect(frame.match(text('x').replace('"finish_reason":null', '"finish_reason":"stop"'))).toBeNull();
    expect(frame.match(`${text('x')} `)).toBeNull();
    expect(frame.match('[DONE]')).toBeNull();
  });

  it('is learned from a chunk whose text had escapes, and reads plain text in it after', () => {
    const frame = learned(text('"quoted" \\ and \u00e9\n'));
    expect(frame.match(text('plain'))).toEqual({ field: 'content', text: 'plain' });
  });

  it("reads OpenAI's chunks around both their text and their obfuscation padding", () => {
    // As api.openai.com streams by default: usage null in every chunk, random padding of random length.
    const openai = (content: string, obfuscation: string) =>
      JSON.stringify({
        id: 'chatcmpl-Bx1',
        object: 'chat.completion.chunk',
        created: 1765000000,
        model: 'gpt-4o-2024-08-06',
        service_tier: 'default',
        system_fingerprint: 'fp_1',
        choices: [{ index: 0, delta: { content }, logprobs: null, finish_reason: null }],
        usage: null,
        obfuscation,
      });
    const frame = learned(openai('Hello', 'aB3'));
    expect(frame.match(openai(' world', 'Zq9xY2'))).toEqual({ field: 'content', text: ' world' });
    expect(frame.match(openai('', ''))).toEqual({ field: 'content', text: '' });
    expect(frame.match(openai('x', 'a"b'))).toBeNull();
    expect(frame.match(openai('x"y', 'ab'))).toBeNull();
    // The padding before the text works the same.
    const first = (content: string, obfuscation: string) =>
      JSON.stringify({ obfuscation, ...JSON.parse(text(content)) });
    expect(learned(first('a', 'pad')).match(first('b', 'longer-pad'))).toEqual({
      field: 'content',
      text: 'b',
    });
  });

  it("takes a reasoning field's frame as the reasoning's", () => {
    const reasoning = (piece: string) =>
      JSON.stringify({
        ...HEAD,
        choices: [{ index: 0, delta: { reasoning_content: piece, content: null } }],
      });
    expect(learned(reasoning('think')).match(reasoning('ing'))).toEqual({
      field: 'reasoning_content',
      text: 'ing',
    });
  });

  it('is not learned from a chunk that is more than one piece of text', () => {
    const cases: string[] = [
      text('x', { usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } }),
      text('x').replace('"finish_reason":null', '"finish_reason":"stop"'),
      text('x', { x_vendor: { queue: 1 } }),
      text('x', { content: 'y' }), // the key twice
      text('x').replace('"index":0', '"index":1'),
      text('x').replace('"logprobs":null', '"logprobs":{"content":[]}'),
      JSON.stringify({ ...HEAD, choices: [{ index: 0, delta: { role: 'assistant', content: 'x' } }] }),
      JSON.stringify({
        ...HEAD,
        choices: [
          { index: 0, delta: { content: 'x' } },
          { index: 1, delta: { content: 'y' } },
        ],
      }),
      JSON.stringify({
        ...HEAD,
        choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '{' } }] } }],
      }),
      JSON.stringify({ ...HEAD, choices: [{ index: 0, text: 'legacy' }] }),
      text('x').replace('"content":"x"', '"content": "x"'), // spaced: not found as written
    ];
    for (const data of cases) expect(learned(data).match(text('z'))).toBeNull();
  });

  it('stops trying after a few chunks that never fit', () => {
    const frame = new ChunkFrame();
    const unfit = text('x', { x_vendor: { queue: 1 } });
    for (let i = 0; i < 8; i++) frame.learn(unfit, JSON.parse(unfit));
    frame.learn(text('a'), JSON.parse(text('a')));
    expect(frame.match(text('b'))).toBeNull();
  });
});

const WORDS = ['Hello', ' world', ' the', ' answer', ' is', ' 42', '.', ' 日本', ' é'];
const PIECES = [
  'Hello',
  ' world',
  '',
  ' ',
  'é',
  '😀',
  '"',
  '\\',
  '\n',
  '\u0001',
  '"content":"',
  'x\\"y',
  '\u2028',
  '日本',
];

/** A stream an upstream could send: text, reasoning, tool calls, usage, breaks of frame and garbage. */
function stream(next: () => number): SseEvent[] {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  // Mostly words, as a real stream's text is; now and then one that needs an escape.
  const piece = () =>
    Array.from({ length: 1 + Math.floor(next() * 3) }, () =>
      next() < 0.8 ? pick(WORDS) : pick(PIECES),
    ).join('');
  let head: object = { ...HEAD };
  const events: SseEvent[] = [];
  const length = 2 + Math.floor(next() * 30);
  for (let i = 0; i < length; i++) {
    const roll = next();
    const plain = { index: 0, logprobs: null, finish_reason: null };
    let data: string;
    if (roll < 0.7) data = JSON.stringify({ ...head, choices: [{ ...plain, delta: { content: piece() } }] });
    else if (roll < 0.75)
      data = JSON.stringify({ ...head, choices: [{ ...plain, delta: { reasoning: piece() } }] });
    else if (roll < 0.77)
      data = JSON.stringify({ ...head, choices: [{ ...plain, delta: { role: 'assistant', content: '' } }] });
    else if (roll < 0.8) {
      const call = {
        index: Math.floor(next() * 2),
        id: 'call_1',
        function: { name: 'f', arguments: pick(['{"a":', '1}', '{"a":1}']) },
      };
      data = JSON.stringify({ ...head, choices: [{ ...plain, delta: { tool_calls: [call] } }] });
    } else if (roll < 0.84)
      data = JSON.stringify({
        ...head,
        choices: [{ index: 0, delta: {}, finish_reason: pick(['stop', 'length', 'tool_calls']) }],
      });
    else if (roll < 0.86)
      data = JSON.stringify({
        ...head,
        choices: [],
        usage: { prompt_tokens: 3, completion_tokens: Math.floor(next() * 3), total_tokens: 5 },
      });
    else if (roll < 0.88) {
      // The stream's id changes: the frame learned before no longer fits.
      head = { ...HEAD, id: `chatcmpl-${Math.floor(next() * 3)}` };
      data = JSON.stringify({ ...head, choices: [{ ...plain, delta: { content: piece() } }] });
    } else if (roll < 0.9)
      data = JSON.stringify({
        ...head,
        obfuscation: piece(),
        choices: [{ ...plain, delta: { content: piece() } }],
      });
    else if (roll < 0.92)
      data = JSON.stringify({
        ...head,
        choices: [
          { ...plain, delta: { content: piece() } },
          { ...plain, index: 1, delta: { content: piece() } },
        ],
      });
    else if (roll < 0.94) data = JSON.stringify({ error: { message: 'overloaded', type: 'server_error' } });
    else {
      // Raw text around a frame that is not JSON, or another JSON than the frame's.
      const frame = JSON.stringify({ ...head, choices: [{ ...plain, delta: { content: '§' } }] });
      data = frame.replace('§', pick(['a","x":"b', 'a\\', 'a\\u00', 'ok', 'b\\"c', 'tab\there']));
    }
    events.push({ data });
  }
  if (next() < 0.8) events.push({ data: '[DONE]' });
  return events;
}

function observerOf(framed: boolean, options: Partial<StreamObserverOptions>): OpenAiStreamObserver {
  let clock = 1000;
  return new OpenAiStreamObserver(
    { clientAskedForUsage: false, promptTokens: 7, now: () => clock++, ...options },
    framed,
  );
}

describe('OpenAiStreamObserver with chunk frames', () => {
  it('answers every event and ends every stream as it does parsing each chunk', () => {
    // The comparison means something only if chunks were read from frames: they are counted.
    const match = jest.spyOn(ChunkFrame.prototype, 'match');
    for (let seed = 1; seed <= 400; seed++) {
      const next = seededRandom(seed);
      const events = stream(next);
      const options = { clientAskedForUsage: next() < 0.5 };
      const framed = observerOf(true, options);
      const parsed = observerOf(false, options);
      const answers = (watch: OpenAiStreamObserver): ObservedEvent[] =>
        events.map((event) => watch.observe(event));
      const outcome = (watch: OpenAiStreamObserver) => {
        const { usage, ...rest } = watch.outcome();
        return { usage, ...rest };
      };
      const context = `seed ${seed}`;
      expect({ context, answers: answers(framed), outcome: outcome(framed) }).toEqual({
        context,
        answers: answers(parsed),
        outcome: outcome(parsed),
      });
    }
    const tried = match.mock.calls.length;
    const read = match.mock.results.filter((result) => result.value !== null).length;
    match.mockRestore();
    expect(read).toBeGreaterThan(tried / 3);
  });

  it("reads an OpenAI stream's padded chunks from the frame, with the same answers", () => {
    const next = seededRandom(7);
    const padding = () =>
      next()
        .toString(36)
        .slice(2, 2 + Math.floor(next() * 8));
    const chunk = (choice: object, extra: object = {}) => ({
      data: JSON.stringify({
        id: 'chatcmpl-Bx1',
        object: 'chat.completion.chunk',
        created: 1765000000,
        model: 'gpt-4o',
        service_tier: 'default',
        system_fingerprint: 'fp_1',
        choices: [{ index: 0, logprobs: null, finish_reason: null, ...choice }],
        usage: null,
        obfuscation: padding(),
        ...extra,
      }),
    });
    const events: SseEvent[] = [
      chunk({ delta: { role: 'assistant', content: '', refusal: null } }),
      ...Array.from({ length: 30 }, (_, i) => chunk({ delta: { content: ` word${i}` } })),
      chunk({ delta: {}, finish_reason: 'stop' }),
      {
        data: JSON.stringify({
          id: 'chatcmpl-Bx1',
          choices: [],
          usage: { prompt_tokens: 9, completion_tokens: 31, total_tokens: 40 },
        }),
      },
      { data: '[DONE]' },
    ];
    const parse = jest.spyOn(JSON, 'parse');
    const framed = observerOf(true, { clientAskedForUsage: true });
    let answers: ObservedEvent[];
    try {
      answers = events.map((event) => framed.observe(event));
      // The role chunk, the first text chunk (and its two strings, to place the frame), the finish
      // and the usage: the other 29 text chunks are read off the frame.
      expect(parse.mock.calls.length).toBeLessThanOrEqual(6);
    } finally {
      parse.mockRestore();
    }
    const parsed = observerOf(false, { clientAskedForUsage: true });
    expect(answers).toEqual(events.map((event) => parsed.observe(event)));
    expect(framed.outcome()).toEqual(parsed.outcome());
  });

  it('reads most chunks of a plain text stream from the frame', () => {
    const watch = observerOf(true, {});
    const parse = jest.spyOn(JSON, 'parse');
    try {
      for (let i = 0; i < 20; i++) watch.observe({ data: text(`piece ${i} `) });
      // The first is parsed (and its string again, to place the frame); the rest are read off it.
      expect(parse.mock.calls.length).toBeLessThanOrEqual(2);
    } finally {
      parse.mockRestore();
    }
    expect(watch.outcome().usage?.completionTokens).toBeGreaterThan(20);
  });
});
