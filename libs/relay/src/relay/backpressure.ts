// Writing to a slow client without piling its backlog up in memory (docs/design.md invariant 2), and
// without letting a client that stopped reading pin the stream, its upstream connection and its hold
// forever: one that takes no byte for the channel's idle timeout is cut off.
import type { DrainableWritable } from './client-response';

/**
 * Writes `chunk`; when the socket's buffer is full, waits until it drains or the client is gone.
 * With `idleMs`, a buffer that does not drain within it destroys the response (its `close` then
 * tells the relay that the client is gone).
 */
export function writeWithBackpressure(
  out: DrainableWritable,
  chunk: Uint8Array,
  idleMs?: number,
): Promise<void> {
  return writeNow(out, chunk) ? Promise.resolve() : drained(out, idleMs);
}

/**
 * Writes `chunk` unless the response is over. True when more may be written at once; false when the
 * socket's buffer is full, and the writer waits for `drained` before the next write.
 */
export function writeNow(out: DrainableWritable, chunk: Uint8Array): boolean {
  if (out.destroyed || out.writableEnded) return true;
  return out.write(chunk);
}

/**
 * Resolves once a full buffer drained or the client is gone. With `idleMs`, a buffer that does not
 * drain within it destroys the response.
 */
export function drained(out: DrainableWritable, idleMs?: number): Promise<void> {
  if (out.destroyed || out.writableEnded) return Promise.resolve();
  return new Promise((resolve) => {
    const timer =
      idleMs === undefined
        ? undefined
        : setTimeout(() => {
            done();
            out.destroy();
          }, idleMs);
    const done = () => {
      clearTimeout(timer);
      out.off('drain', done);
      out.off('close', done);
      resolve();
    };
    out.on('drain', done);
    out.on('close', done);
  });
}
