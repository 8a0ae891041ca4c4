// Relayed requests still being handled, their settlement after the answer included, so that a
// draining process (apps/api's Drain) waits for every hold to be settled and usage event queued.
// A counter the relay keeps itself: a global Nest interceptor would do the same for every route, at
// the price of an rxjs pipeline per request on the hot path.
import { Injectable } from '@nestjs/common';

@Injectable()
export class RelayInFlight {
  private open = 0;
  private waiters: (() => void)[] = [];

  get count(): number {
    return this.open;
  }

  /** Counts `work` until it settles; returns it. */
  async track<T>(work: () => Promise<T>): Promise<T> {
    this.open++;
    try {
      return await work();
    } finally {
      this.open--;
      if (this.open === 0) this.wake();
    }
  }

  /** Resolves once no relayed request is being handled. */
  whenIdle(): Promise<void> {
    if (this.open === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter();
  }
}
