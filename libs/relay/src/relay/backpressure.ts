// Writing to a slow client without piling its backlog up in memory (docs/design.md invariant 2).
import type { DrainableWritable } from './client-response';

/** Writes `chunk`; when the socket's buffer is full, waits until it drains or the client is gone. */
export function writeWithBackpressure(out: DrainableWritable, chunk: Uint8Array): Promise<void> {
  if (out.destroyed || out.writableEnded) return Promise.resolve();
  if (out.write(chunk)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      out.off('drain', done);
      out.off('close', done);
      resolve();
    };
    out.on('drain', done);
    out.on('close', done);
  });
}
