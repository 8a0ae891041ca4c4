// Whether the client went away before its answer was complete, as the relay reads it: `aborted`, and
// a listener told once when it happens (the upstream call's, a retry's pause). An AbortController
// did this, but Node's AbortSignal is an EventTarget: making one, and adding and removing the
// upstream call's listener, cost about 2 % of the api's instructions a relayed stream (issue #16, by
// callgrind). This is the same contract in a plain object; `signal` makes a real AbortSignal, aborted
// with it, for the rare API that needs one.
import type { AbortSignalLike } from '@gateway/common/undici';

export class ClientGone implements AbortSignalLike {
  private gone = false;
  private why: unknown = undefined;
  /** The listeners to tell, in the order they were added; null once told (or before any). */
  private listeners: (() => void)[] | null = null;
  private controller: AbortController | null = null;

  get aborted(): boolean {
    return this.gone;
  }

  get reason(): unknown {
    return this.why;
  }

  /**
   * Marks the client gone (once; later calls change nothing) and tells each listener, as
   * AbortController.abort() does: the reason defaults to the same AbortError, and a listener that
   * throws does not keep the others from being told (its error is thrown afterwards, uncaught, as an
   * EventTarget's listener's is).
   */
  abort(reason: unknown = new DOMException('This operation was aborted', 'AbortError')): void {
    if (this.gone) return;
    this.gone = true;
    this.why = reason;
    this.controller?.abort(reason);
    const listeners = this.listeners;
    this.listeners = null;
    if (listeners === null) return;
    for (const listener of listeners) {
      try {
        listener();
      } catch (error) {
        process.nextTick(() => {
          throw error;
        });
      }
    }
  }

  /** Told once, when the client goes; never when it already went (as AbortSignal). Added once. */
  addEventListener(_type: 'abort', listener: () => void): void {
    if (this.gone) return;
    const listeners = (this.listeners ??= []);
    if (!listeners.includes(listener)) listeners.push(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    const listeners = this.listeners;
    if (listeners === null) return;
    const at = listeners.indexOf(listener);
    if (at !== -1) listeners.splice(at, 1);
  }

  /** An AbortSignal that aborts with this (already aborted when this is), made on first use. */
  get signal(): AbortSignal {
    if (this.controller === null) {
      this.controller = new AbortController();
      if (this.gone) this.controller.abort(this.why);
    }
    return this.controller.signal;
  }
}

/** What of a response `watchClientGone` listens to. */
interface ClosingResponse {
  readonly writableFinished: boolean;
  on(event: 'close', listener: () => void): unknown;
}

/** Gone when `res` closes before its answer was all written (the client hung up). */
export function watchClientGone(res: ClosingResponse): ClientGone {
  const gone = new ClientGone();
  res.on('close', () => {
    if (!res.writableFinished) gone.abort();
  });
  return gone;
}
