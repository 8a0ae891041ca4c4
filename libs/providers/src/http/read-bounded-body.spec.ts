import { Readable } from 'node:stream';
import { ReadableStream } from 'node:stream/web';
import { runInNewContext } from 'node:vm';
import { readBoundedBody, type ByteSource } from './read-bounded-body';

const bytes = (text: string) => new TextEncoder().encode(text);

/** A body that counts the chunks it was asked for. */
function counted(chunks: readonly (Uint8Array | string)[]): { body: ByteSource; pulled: () => number } {
  let pulled = 0;
  async function* generate() {
    for (const chunk of chunks) {
      pulled += 1;
      yield chunk;
    }
  }
  return { body: generate(), pulled: () => pulled };
}

describe('readBoundedBody', () => {
  it('reads a body within the limit whole, a character split across chunks included', async () => {
    const utf8 = bytes('{"error":"限流"}');
    const { body } = counted([utf8.subarray(0, 11), utf8.subarray(11)]);
    expect(await readBoundedBody(body, 1024)).toEqual({ kind: 'complete', text: '{"error":"限流"}' });
  });

  it('a body of exactly the limit is complete', async () => {
    expect(await readBoundedBody(counted([bytes('abcd'), bytes('ef')]).body, 6)).toEqual({
      kind: 'complete',
      text: 'abcdef',
    });
  });

  it('stops at the first byte past the limit, keeps the first limit bytes and pulls nothing more', async () => {
    const { body, pulled } = counted([bytes('abcd'), bytes('efgh'), bytes('ijkl'), bytes('mnop')]);
    expect(await readBoundedBody(body, 6)).toEqual({ kind: 'too_large', text: 'abcdef' });
    expect(pulled()).toBe(2);
  });

  it('destroys a Node stream it stops reading', async () => {
    const stream = Readable.from([Buffer.from('a'.repeat(10)), Buffer.from('b'.repeat(10))], {
      objectMode: false,
    });
    expect(await readBoundedBody(stream, 15)).toEqual({ kind: 'too_large', text: 'a'.repeat(10) + 'bbbbb' });
    expect(stream.destroyed).toBe(true);
  });

  it('cancels a web stream it stops reading', async () => {
    let cancelled = false;
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent += 1;
        controller.enqueue(bytes('x'.repeat(100)));
      },
      cancel() {
        cancelled = true;
      },
    });
    const read = await readBoundedBody(stream as unknown as ByteSource, 250);
    expect(read).toEqual({ kind: 'too_large', text: 'x'.repeat(250) });
    expect(cancelled).toBe(true);
    expect(sent).toBeLessThan(10);
  });

  it('keeps what arrived when the body breaks off', async () => {
    const reset = Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });
    async function* broken() {
      yield bytes('{"error":');
      throw reset;
    }
    expect(await readBoundedBody(broken(), 1024)).toEqual({
      kind: 'failed',
      text: '{"error":',
      error: reset,
    });
  });

  it('takes string chunks and chunks made in another realm', async () => {
    const foreign = runInNewContext('new Uint8Array([104, 105])') as Uint8Array;
    expect(foreign instanceof Uint8Array).toBe(false);
    expect(await readBoundedBody(counted([foreign, ' there']).body, 100)).toEqual({
      kind: 'complete',
      text: 'hi there',
    });
  });
});
