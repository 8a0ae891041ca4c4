import type { MockBehaviour } from './behaviour';

/**
 * `fail=K`: the failure options hold for the first K requests with the same key and `x-mock`
 * header, then the same key succeeds; this is how failover and retry tests get "fails, then works".
 */
export class FailBudget {
  private readonly seen = new Map<string, number>();

  /** Counts this request against its key and returns the behaviour to apply. */
  apply(key: string, behaviour: MockBehaviour): MockBehaviour {
    if (behaviour.fail === undefined) return behaviour;
    const count = (this.seen.get(key) ?? 0) + 1;
    this.seen.set(key, count);
    if (count <= behaviour.fail) return behaviour;
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
