import { decodeSseStream, SseBatches, SseDecodeError, SseDecoder } from './sse-decoder';
import { isDoneEvent, type SseEvent } from './sse-event';

const utf8 = new TextEncoder();

function decodeAll(chunks: Uint8Array[], decoder = new SseDecoder()): SseEvent[] {
  return [...chunks.flatMap((chunk) => decoder.push(chunk)), ...decoder.end()];
}

/** The bytes cut at `at`: every split point must give the same events as the whole. */
function splitAt(bytes: Uint8Array, at: number): Uint8Array[] {
  return [bytes.subarray(0, at), bytes.subarray(at)];
}

describe('SseDecoder', () => {
  it('decodes data events, named events, multi-line data and ignores comments and unknown fields', () => {
    const text =
      ': keep-alive\n\ndata: {"a":1}\n\nevent: error\ndata: line one\ndata: line two\n\nfoo: bar\ndata: [DONE]\n\n';
    expect(decodeAll([utf8.encode(text)])).toEqual([
      { data: '{"a":1}' },
      { event: 'error', data: 'line one\nline two' },
      { data: '[DONE]' },
    ]);
  });

  it('recognises [DONE]', () => {
    const [done, other] = decodeAll([utf8.encode('data: [DONE]\n\ndata: [DONE] \n\n')]);
    expect(isDoneEvent(done)).toBe(true);
    expect(isDoneEvent(other)).toBe(false);
  });

  it.each([
    ['LF', '\n'],
    ['CRLF', '\r\n'],
    ['CR', '\r'],
  ])('gives the same events at every byte boundary with %s line endings', (_name, eol) => {
    const text = `data: {"x":"é😀"}${eol}${eol}event: e${eol}data: a${eol}data: b${eol}${eol}data: [DONE]${eol}${eol}`;
    const bytes = utf8.encode(text);
    const whole = decodeAll([bytes]);
    expect(whole).toEqual([{ data: '{"x":"é😀"}' }, { event: 'e', data: 'a\nb' }, { data: '[DONE]' }]);
    for (let at = 1; at < bytes.length; at++) expect(decodeAll(splitAt(bytes, at))).toEqual(whole);
    expect(decodeAll([...bytes].map((byte) => Uint8Array.of(byte)))).toEqual(whole);
  });

  it('keeps a multi-byte character whole when its bytes arrive in separate chunks', () => {
    const bytes = utf8.encode('data: 你好🌏\n\n');
    const start = bytes.indexOf(0xf0); // the emoji's 4 bytes
    const chunks = [
      bytes.subarray(0, start + 1),
      bytes.subarray(start + 1, start + 3),
      bytes.subarray(start + 3),
    ];
    expect(decodeAll(chunks)).toEqual([{ data: '你好🌏' }]);
  });

  it('turns invalid UTF-8 into replacement characters instead of failing', () => {
    const bytes = Uint8Array.from([...utf8.encode('data: a'), 0xff, ...utf8.encode('b\n\n')]);
    expect(decodeAll([bytes])).toEqual([{ data: 'a\ufffdb' }]);
  });

  it('discards an event cut off by the end of the stream', () => {
    expect(decodeAll([utf8.encode('data: {"a":1}\n\ndata: {"b":')])).toEqual([{ data: '{"a":1}' }]);
    expect(decodeAll([utf8.encode('data: {"a":1}\n\ndata: {"b":2}\n')])).toEqual([{ data: '{"a":1}' }]);
  });

  it('holds only the event in progress: a long stream of small events decodes under a small limit', () => {
    const decoder = new SseDecoder({ maxEventChars: 64 });
    let count = 0;
    for (let i = 0; i < 1000; i++) count += decoder.push(utf8.encode(`data: {"i":${i}}\n\n`)).length;
    expect(count).toBe(1000);
  });

  it('stops with SseDecodeError when one event outgrows the limit', () => {
    const decoder = new SseDecoder({ maxEventChars: 64 });
    expect(() => decoder.push(utf8.encode(`data: ${'x'.repeat(100)}`))).toThrow(SseDecodeError);
    expect(() => decoder.push(utf8.encode('\n\n'))).toThrow(SseDecodeError);
  });

  it('decodes an async byte stream as events complete', async () => {
    async function* source() {
      yield utf8.encode('data: 1\n');
      yield utf8.encode('\ndata: 2\n\nda');
      yield utf8.encode('ta: [DONE]\n\n');
    }
    const events: SseEvent[] = [];
    for await (const event of decodeSseStream(source())) events.push(event);
    expect(events).toEqual([{ data: '1' }, { data: '2' }, { data: '[DONE]' }]);
  });
});

describe('SseBatches', () => {
  async function* source(...texts: string[]): AsyncGenerator<Uint8Array> {
    for (const text of texts) yield utf8.encode(text);
  }

  it('hands out what each read completes, the rest at the end, then null for good', async () => {
    const batches = new SseBatches(source('data: 1\n\ndata: 2\n\nda', 'ta: 3\n', '\ndata: 4'));
    expect(await batches.next()).toEqual([{ data: '1' }, { data: '2' }]);
    expect(await batches.next()).toEqual([]);
    expect(await batches.next()).toEqual([{ data: '3' }]);
    // The end: an event without its blank line is a cut one, and is dropped.
    expect(await batches.next()).toEqual([]);
    expect(await batches.next()).toBeNull();
    expect(await batches.next()).toBeNull();
  });

  it('gives the same events as the decoder, whatever the reads', async () => {
    const text = 'event: a\ndata: x\r\ndata: y\r\n\r\ndata: é€😀\n\ndata: [DONE]\n\n';
    const bytes = utf8.encode(text);
    const whole = decodeAll([bytes]);
    for (let at = 1; at < bytes.length; at += 3) {
      const batches = new SseBatches(
        (async function* () {
          yield* splitAt(bytes, at);
        })(),
      );
      const events: SseEvent[] = [];
      for (let batch = await batches.next(); batch !== null; batch = await batches.next())
        events.push(...batch);
      expect(events).toEqual(whole);
    }
  });

  it('passes a broken source on as an error', async () => {
    const batches = new SseBatches(
      (async function* () {
        yield utf8.encode('data: 1\n\n');
        throw new Error('socket hang up');
      })(),
    );
    expect(await batches.next()).toEqual([{ data: '1' }]);
    await expect(batches.next()).rejects.toThrow('socket hang up');
  });
});
