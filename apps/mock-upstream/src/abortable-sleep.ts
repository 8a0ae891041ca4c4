import { setTimeout as sleepFor } from 'node:timers/promises';

/**
 * Waits `ms`, rejecting (and clearing the timer) as soon as `signal` aborts, so a client that
 * leaves or a `close()` never leaves a timer behind. Zero waits nothing: no extra macrotask on the hot path.
 */
export async function sleep(ms: number, signal: AbortSignal): Promise<void> {
  signal.throwIfAborted();
  if (ms > 0) await sleepFor(ms, undefined, { signal });
}
