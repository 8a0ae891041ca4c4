// Reads an upstream body up to a byte limit. Error answers are read for their message only, and an
// upstream must not make the gateway buffer megabytes of them: past the limit the body is cancelled.
// The body is any async iterable of bytes (undici's and Node's streams, a web ReadableStream), used
// only through the iteration protocol: no `instanceof`, which fails for streams and chunks made in
// another realm (Jest's sandbox, fetch's own undici).

/** Byte chunks as Node, undici and fetch give them; a stream with an encoding set yields strings. */
export type ByteSource = AsyncIterable<Uint8Array | string>;

export type BoundedBody =
  | { kind: 'complete'; text: string }
  /** The body went past the limit: `text` is its first `limitBytes`, and the rest was cancelled. */
  | { kind: 'too_large'; text: string }
  /** Reading broke off (a reset, a body timeout): `text` is what had arrived. */
  | { kind: 'failed'; text: string; error: unknown };

const encoder = new TextEncoder();

export async function readBoundedBody(body: ByteSource, limitBytes: number): Promise<BoundedBody> {
  const iterator = body[Symbol.asyncIterator]();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const text = () => decode(chunks, Math.min(size, limitBytes));
  try {
    for (;;) {
      const next = await iterator.next();
      if (next.done) return { kind: 'complete', text: text() };
      const chunk = typeof next.value === 'string' ? encoder.encode(next.value) : next.value;
      chunks.push(chunk);
      size += chunk.byteLength;
      if (size > limitBytes) {
        // Ending the iteration destroys a Node stream and cancels a web stream: the connection is
        // dropped instead of drained.
        await stop(iterator);
        return { kind: 'too_large', text: text() };
      }
    }
  } catch (error) {
    await stop(iterator);
    return { kind: 'failed', text: text(), error };
  }
}

async function stop(iterator: AsyncIterator<unknown>): Promise<void> {
  try {
    await iterator.return?.();
  } catch {
    // The stream is broken already; there is nothing left to cancel.
  }
}

/** The first `length` bytes as UTF-8; a character cut at the limit becomes U+FFFD. */
function decode(chunks: readonly Uint8Array[], length: number): string {
  const bytes = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    if (offset >= length) break;
    const part = chunk.subarray(0, length - offset);
    bytes.set(part, offset);
    offset += part.byteLength;
  }
  return new TextDecoder('utf-8').decode(bytes);
}
