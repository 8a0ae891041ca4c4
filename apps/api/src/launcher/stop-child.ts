// How the launcher stops one of its children (the api, the worker) and judges how it stopped.
import type { ChildProcess } from 'node:child_process';

/**
 * Stops the child with SIGTERM, and SIGKILL after `timeoutMs`; resolves with its exit status. A
 * child that exits by itself gives its code (the api's 1: usage events left to its log). One that
 * the SIGTERM ended before it had a handler for it (a process still starting, which has taken no
 * request or job yet) stopped as asked: 0. One the SIGKILL ended, or any other signal, did not stop
 * itself: 1.
 */
export function stopChild(child: ChildProcess, timeoutMs: number): Promise<number> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  if (child.signalCode !== null) return Promise.resolve(1);
  return new Promise((resolveStop) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolveStop(code ?? (signal === 'SIGTERM' ? 0 : 1));
    });
    child.kill('SIGTERM');
  });
}
