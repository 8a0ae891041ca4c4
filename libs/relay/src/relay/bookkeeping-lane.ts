// Work that follows an answer already sent (a request's settlement) waits its turn in this lane: a
// few turns are handed out per event-loop iteration, and the loop polls for I/O between them, so the
// requests, Redis replies and upstream answers that arrive meanwhile take their next step toward a
// client first. Nothing is dropped or reordered: turns go out first come, first served.
//
// Why (issue #16): at c=64 with a 50 ms upstream, closed-loop clients come and go in waves, and every
// hop of a request (its admission's reply, its upstream's head) waited behind the settlements of the
// answers handled just before it. The loop is busy ~60 % of the time: bookkeeping done in its quiet
// moments is taken off every request's path, for the same CPU.

/** Turns handed out per event-loop iteration when little is waiting. */
const TURNS_PER_ITERATION = 2;
/**
 * Under a backlog, this share of what waits goes each iteration, so the lane keeps up with any rate
 * the loop can carry (a backlog halves in under three iterations) and holds are never left open
 * long. Each iteration that hands out turns sends its settlements' own Redis pipeline, which a
 * saturated api pays for: at 1,000 streams the lane reads ~3 % fewer streams/s than settling all
 * at the end of the round (alternating short bench runs; an eighth looked worse than a quarter).
 */
const BACKLOG_SHARE = 1 / 4;

/** Released slots kept at the queue's head before it is copied down (amortised O(1) a turn). */
const COMPACT_AFTER = 1024;

export class BookkeepingLane {
  /** Callers waiting, from `head` on; a released slot is emptied so its closure can be collected. */
  private waiting: ((() => void) | undefined)[] = [];
  private head = 0;
  private scheduled = false;

  constructor(
    private readonly turnsPerIteration = TURNS_PER_ITERATION,
    private readonly backlogShare = BACKLOG_SHARE,
  ) {}

  /** Resolves when it is this caller's turn: at the earliest after the current iteration's I/O. */
  turn(): Promise<void> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(this.release);
      }
    });
  }

  /** How many wait for a turn. */
  get backlog(): number {
    return this.waiting.length - this.head;
  }

  private readonly release = (): void => {
    const count = Math.max(this.turnsPerIteration, Math.ceil(this.backlog * this.backlogShare));
    const end = Math.min(this.waiting.length, this.head + count);
    for (; this.head < end; this.head++) {
      const resolve = this.waiting[this.head];
      this.waiting[this.head] = undefined;
      resolve?.();
    }
    if (this.head < this.waiting.length) {
      // Under load that never lets the lane empty, the released slots go now and then, not never.
      if (this.head >= COMPACT_AFTER) {
        this.waiting = this.waiting.slice(this.head);
        this.head = 0;
      }
      // The next turns after the next poll for I/O (an immediate queued now runs next iteration).
      setImmediate(this.release);
      return;
    }
    this.waiting = [];
    this.head = 0;
    this.scheduled = false;
  };
}
