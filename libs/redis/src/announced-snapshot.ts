// An in-process snapshot of some configuration (the routing table, the price book) that is reloaded
// when a change of its topic is announced on the ChangeFeed, when the subscription was lost, and
// every `refreshMs` as a safety net. Requests never wait on Postgres unless a reload is due, and
// requests arriving during a reload share it (and never read the snapshot it replaces). A reload
// that fails (PostgreSQL down) leaves the last snapshot serving until one succeeds.
import type { ChangeFeed } from './change-feed';

/** After a failed reload, the last snapshot serves this long before a request tries again. */
const RETRY_AFTER_FAILURE_MS = 1_000;

export class AnnouncedSnapshot<T> {
  private value: T | null = null;
  private retryAt = 0;
  private loading: Promise<T> | null = null;
  private stale = true;
  private readonly timer: NodeJS.Timeout;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly changes: ChangeFeed,
    /** One topic, or several whose announcements all make the snapshot stale. */
    topic: string | readonly string[],
    refreshMs: number,
    private readonly load: () => Promise<T>,
  ) {
    const unsubscribes = (typeof topic === 'string' ? [topic] : topic).map((name) =>
      changes.subscribe(name, () => {
        this.stale = true;
      }),
    );
    this.unsubscribe = () => unsubscribes.forEach((unsubscribe) => unsubscribe());
    this.timer = setInterval(() => {
      this.stale = true;
    }, refreshMs);
    this.timer.unref();
  }

  async current(): Promise<T> {
    if (this.loading) return this.loading;
    if (this.value !== null && !this.stale && this.changes.listening) return this.value;
    if (this.value !== null && Date.now() < this.retryAt) return this.value;
    this.loading = (async () => {
      this.stale = false;
      try {
        this.value = await this.load();
        return this.value;
      } catch (error) {
        this.stale = true;
        // PostgreSQL does not answer: the last snapshot keeps serving (invariant 1), and a request
        // a moment later tries again.
        if (this.value === null) throw error;
        this.retryAt = Date.now() + RETRY_AFTER_FAILURE_MS;
        return this.value;
      } finally {
        this.loading = null;
      }
    })();
    return this.loading;
  }

  close(): void {
    this.unsubscribe();
    clearInterval(this.timer);
  }
}
