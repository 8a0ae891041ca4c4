import { PassThrough, Readable } from 'node:stream';
import { decodeSseStream, SseDecodeError, SseDecoder, SseReader } from './sse-decoder';
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

  it('drops a byte order mark at the start of the stream, even one split across reads, and only there', () => {
    const bytes = utf8.encode('\ufeffdata: 1\n\ndata: \ufeff2\n\n');
    const expected = [{ data: '1' }, { data: '\ufeff2' }];
    expect(decodeAll([bytes])).toEqual(expected);
    for (const at of [1, 2, 3]) expect(decodeAll(splitAt(bytes, at))).toEqual(expected);
    expect(decodeAll([bytes.subarray(0, 1), bytes.subarray(1, 2), bytes.subarray(2)])).toEqual(expected);
  });

  it('replaces bytes that are not UTF-8, and a character cut off at the end, instead of failing', () => {
    const broken = new Uint8Array([
      ...utf8.encode('data: a'),
      0xff,
      ...utf8.encode('b\n\ndata: c'),
      0xe2,
      0x82,
    ]);
    expect(decodeAll([broken])).toEqual([{ data: 'a\ufffdb' }]);
    expect(decodeAll([broken, utf8.encode('\n\n')])).toEqual([{ data: 'a\ufffdb' }, { data: 'c\ufffd' }]);
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

describe('SseReader', () => {
  function source(...texts: string[]): Readable {
    return Readable.from(texts.map((text) => utf8.encode(text)));
  }

  async function readAll(reader: SseReader): Promise<SseEvent[]> {
    const events: SseEvent[] = [];
    for (let batch = await reader.next(); batch !== null; batch = await reader.next()) events.push(...batch);
    return events;
  }

  it('hands out the events each read completes, the cut one at the end never, then null for good', async () => {
    const reader = new SseReader(source('data: 1\n\ndata: 2\n\nda', 'ta: 3\n', '\ndata: 4'));
    expect(await reader.next()).toEqual([{ data: '1' }, { data: '2' }]);
    expect(await reader.next()).toEqual([{ data: '3' }]);
    // The end: an event without its blank line is a cut one, and is dropped.
    expect(await reader.next()).toBeNull();
    expect(await reader.next()).toBeNull();
    expect(reader.poll()).toBeNull();
  });

  it('gives the same events as the decoder, whatever the reads', async () => {
    const text = 'event: a\ndata: x\r\ndata: y\r\n\r\ndata: é€😀\n\ndata: [DONE]\n\n';
    const bytes = utf8.encode(text);
    const whole = decodeAll([bytes]);
    for (let at = 1; at < bytes.length; at += 3) {
      expect(await readAll(new SseReader(Readable.from(splitAt(bytes, at))))).toEqual(whole);
    }
  });

  it('polls without waiting: nothing yet is an empty batch, and a waiter is woken once more came', async () => {
    const body = new PassThrough();
    const reader = new SseReader(body);
    expect(reader.poll()).toEqual([]);
    const woken = new Promise<void>((resolve) => reader.whenReadable(resolve));
    body.write('data: a\n');
    await woken;
    // Half an event is nothing to hand out yet.
    expect(reader.poll()).toEqual([]);
    const again = new Promise<void>((resolve) => reader.whenReadable(resolve));
    body.write('\ndata: b\n\ndata: c\n\n');
    await again;
    expect(reader.poll()).toEqual([{ data: 'a' }, { data: 'b' }, { data: 'c' }]);
    expect(reader.poll()).toEqual([]);
    body.end();
    // The end may take more than one wake (the last read, then the end itself): never a batch.
    let polled = reader.poll();
    for (let wakes = 0; polled !== null && polled.length === 0 && wakes < 5; wakes++) {
      await new Promise<void>((resolve) => reader.whenReadable(resolve));
      polled = reader.poll();
    }
    expect(polled).toBeNull();
  });

  it('passes a broken source on as its error, after what it completed', async () => {
    const body = new PassThrough();
    const reader = new SseReader(body);
    body.write('data: 1\n\n');
    expect(await reader.next()).toEqual([{ data: '1' }]);
    const failed = reader.next();
    body.destroy(new Error('socket hang up'));
    await expect(failed).rejects.toThrow('socket hang up');
    expect(() => reader.poll()).toThrow('socket hang up');
  });

  it('stops at an event larger than the bound instead of growing a buffer', async () => {
    const reader = new SseReader(source(`data: ${'x'.repeat(100)}`), { maxEventChars: 50 });
    await expect(reader.next()).rejects.toThrow(SseDecodeError);
  });
});
