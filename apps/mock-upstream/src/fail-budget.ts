import type { MockBehaviour } from './behaviour';

/**
 * `fail=K`: the failure options hold for the first K requests with the same key and `x-mock`
 * header, then the same key succeeds; this is how failover and retry tests get "fails, then works".
 * `every=N`: the failure options hold for every Nth such request only (a flaky key).
 */
export class FailBudget {
  private readonly seen = new Map<string, number>();

  /** Counts this request against its key and returns the behaviour to apply. */
  apply(key: string, behaviour: MockBehaviour): MockBehaviour {
    if (behaviour.fail === undefined && behaviour.every === undefined) return behaviour;
    const count = (this.seen.get(key) ?? 0) + 1;
    this.seen.set(key, count);
    const failing =
      behaviour.every !== undefined
        ? count % behaviour.every === 0 && (behaviour.fail === undefined || count <= behaviour.fail)
        : count <= (behaviour.fail as number);
    if (failing) return behaviour;
    return {
      ...behaviour,
      status: 200,
      retryAfter: undefined,
      hang: false,
      drop: undefined,
      streamError: undefined,
    };
  }

  reset(): void {
    this.seen.clear();
  }
}
