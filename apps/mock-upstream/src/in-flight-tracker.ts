/** Counts requests in flight so tests can wait until the mock has seen every request end (`settled()`). */
export class InFlightTracker {
  private count = 0;
  private waiters: Array<() => void> = [];

  start(): void {
    this.count++;
  }

  finish(): void {
    this.count--;
    if (this.count > 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  settled(): Promise<void> {
    if (this.count === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}
