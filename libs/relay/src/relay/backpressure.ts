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
  if (out.destroyed || out.writableEnded) return Promise.resolve();
  if (out.write(chunk)) return Promise.resolve();
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
