// The start of a non-stream answer, read up to RELAY_MAX_RESPONSE_BYTES. An answer within the limit
// is held whole (to be parsed, translated, or failed over from when it is broken); a larger one is
// not: the caller either passes it through piece by piece or refuses it, and never holds more than
// the limit of it (issue #14 item 1).
import type { ByteSource } from '@gateway/providers';

export type AnswerHead =
  | { kind: 'complete'; text: string }
  /** Past the limit: the chunks read so far (a little over the limit) and the rest, unread. */
  | { kind: 'over'; chunks: Uint8Array[]; rest: AsyncIterator<Uint8Array | string> }
  /** Reading broke off (a reset, a body timeout) before the end or the limit. */
  | { kind: 'failed'; error: unknown };

export async function readAnswerHead(body: ByteSource, limitBytes: number): Promise<AnswerHead> {
  const iterator = body[Symbol.asyncIterator]();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const next = await iterator.next();
      if (next.done) return { kind: 'complete', text: Buffer.concat(chunks, size).toString('utf8') };
      const chunk = asBytes(next.value);
      chunks.push(chunk);
      size += chunk.byteLength;
      if (size > limitBytes) return { kind: 'over', chunks, rest: iterator };
    }
  } catch (error) {
    await cancel(iterator);
    return { kind: 'failed', error };
  }
}

export function asBytes(value: Uint8Array | string): Uint8Array {
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
}

/** Ends the iteration: destroys a Node stream, cancels a web stream, so the connection is dropped. */
export async function cancel(iterator: AsyncIterator<unknown>): Promise<void> {
  try {
    await iterator.return?.();
  } catch {
    // The stream is broken already; there is nothing left to cancel.
  }
}
