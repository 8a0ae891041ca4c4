// An in-process snapshot of some configuration (the routing table, the price book) that is reloaded
// when a change of its topic is announced on the ChangeFeed, when the subscription was lost, and
// every `refreshMs` as a safety net. Requests never wait on Postgres unless a reload is due because
// of a change: requests arriving during such a reload share it (and never read the snapshot it
// replaces). The safety net's reload, with nothing announced, runs beside the requests, which keep
// the snapshot in hand until it is done: every process's requests used to wait on it once a
// `refreshMs` (a routing table of 1,000 channels takes tens of ms to load; issue #16). A reload that
// fails (PostgreSQL down) leaves the last snapshot serving until one succeeds.
import type { ChangeFeed } from './change-feed';

/** After a failed reload, the last snapshot serves this long before a request tries again. */
const RETRY_AFTER_FAILURE_MS = 1_000;

export class AnnouncedSnapshot<T> {
  private value: T | null = null;
  private retryAt = 0;
  private loading: Promise<T> | null = null;
  private stale = true;
  /** The safety net's time came (nothing announced): reloaded beside the requests. */
  private due = false;
  /** The reload in flight is the safety net's, which requests do not wait for. */
  private inBackground = false;
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
      this.due = true;
    }, refreshMs);
    this.timer.unref();
  }

  async current(): Promise<T> {
    // A reload for a change (or the first load): every request waits for it.
    if (this.loading !== null && !this.inBackground) return this.loading;
    const value = this.value;
    if (value !== null && !this.stale && this.changes.listening) {
      if (this.due && this.loading === null && Date.now() >= this.retryAt) {
        // Failed or not, the snapshot in hand serves on (a failure only sets when to try again).
        this.reload(true).catch(() => undefined);
      }
      return value;
    }
    if (this.loading) return this.loading;
    if (value !== null && Date.now() < this.retryAt) return value;
    return this.reload(false);
  }

  /** `background`: the safety net's reload, which a failure leaves due, not stale. */
  private reload(background: boolean): Promise<T> {
    this.inBackground = background;
    const loading = (async () => {
      this.stale = false;
      this.due = false;
      try {
        this.value = await this.load();
        return this.value;
      } catch (error) {
        if (background) this.due = true;
        else this.stale = true;
        // PostgreSQL does not answer: the last snapshot keeps serving (invariant 1), and a request
        // a moment later tries again.
        if (this.value === null) throw error;
        this.retryAt = Date.now() + RETRY_AFTER_FAILURE_MS;
        return this.value;
      } finally {
        this.loading = null;
      }
    })();
    this.loading = loading;
    return loading;
  }

  close(): void {
    this.unsubscribe();
    clearInterval(this.timer);
  }
}
