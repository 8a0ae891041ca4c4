import type { Writable } from 'node:stream';

/**
 * Counts a socket's writes to the kernel from now on: Node calls `_writev` for a corked batch and
 * `_write` for a lone chunk, once each per system call.
 */
export function countSocketWrites(socket: Writable): () => number {
  type Method = (this: Writable, ...args: unknown[]) => unknown;
  const target = socket as unknown as Record<'_write' | '_writev', Method | undefined>;
  const counter = { writes: 0 };
  const counted = (original: Method): Method =>
    function (this: Writable, ...args: unknown[]) {
      counter.writes++;
      return original.apply(this, args);
    };
  for (const name of ['_write', '_writev'] as const) {
    const original = target[name];
    if (original !== undefined) target[name] = counted(original);
  }
  return () => counter.writes;
}
