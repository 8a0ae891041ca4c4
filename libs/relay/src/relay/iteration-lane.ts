// Work that waits its turn in a lane: a few turns are handed out per event-loop iteration, and the
// loop polls for I/O between them, so what arrives meanwhile (requests, Redis replies, upstream
// answers) takes its next step first. Nothing is dropped or reordered: turns go out first come,
// first served. The relay keeps two (issue #16):
//
// - a request's settlement, after its answer went out: at c=64 with a 50 ms upstream, closed-loop
//   clients come and go in waves, and every hop of a request (its admission's reply, its upstream's
//   head) waited behind the settlements of the answers handled just before it;
// - a request's own start (auth, parse, admission), bounded to one iteration's wait: a wave of
//   requests read in one poll used to run every one of its starts before any admission's reply was
//   read, so the first upstream call of the wave waited for the last request's start, and the wave
//   reached the upstream, and came back, as one block.
//
// The work costs the same CPU, done in the loop's quieter moments.

export interface IterationLaneOptions {
  /** Turns handed out per iteration when little is waiting. */
  turnsPerIteration?: number;
  /**
   * Under a backlog, this share of what waits goes each iteration, so the lane keeps up with any
   * rate the loop can carry (a backlog halves in under three iterations at a quarter).
   */
  backlogShare?: number;
  /**
   * A turn already waiting when this many turn-outs went by goes at the next one whatever the share
   * says: the longest a caller waits, in iterations, is one more than this. Unbounded by default.
   */
  maxWaitIterations?: number;
  /** Runs a turn-out after the current iteration's poll for I/O (by default its own setImmediate). */
  schedule?: (turnOut: () => void) => void;
}

/** Turns handed out per event-loop iteration when little is waiting. */
const TURNS_PER_ITERATION = 2;
/**
 * The settlement's share: each iteration that hands out turns sends its settlements' own Redis
 * pipeline, which a saturated api pays for: at 1,000 streams the lane reads ~3 % fewer streams/s
 * than settling all at the end of the round (alternating short bench runs; an eighth looked worse
 * than a quarter).
 */
const BACKLOG_SHARE = 1 / 4;

/** Released slots kept at the queue's head before it is copied down (amortised O(1) a turn). */
const COMPACT_AFTER = 1024;

export class IterationLane {
  /** Callers waiting, from `head` on; a released slot is emptied so its closure can be collected. */
  private waiting: ((() => void) | undefined)[] = [];
  private head = 0;
  private scheduled = false;
  /**
   * Where the queue ended (absolute: `base` + index) at each of the last `maxWaitIterations`
   * turn-outs, oldest first: whoever stands before the oldest mark has waited that many.
   */
  private readonly marks: number[] = [];
  /** Slots dropped from the queue's front by compaction, so marks stay absolute. */
  private base = 0;
  private readonly turnsPerIteration: number;
  private readonly backlogShare: number;
  private readonly maxWaitIterations: number;
  private readonly schedule: (turnOut: () => void) => void;

  constructor(options: IterationLaneOptions = {}) {
    this.turnsPerIteration = options.turnsPerIteration ?? TURNS_PER_ITERATION;
    this.backlogShare = options.backlogShare ?? BACKLOG_SHARE;
    this.maxWaitIterations = options.maxWaitIterations ?? Infinity;
    if (!(this.maxWaitIterations >= 1)) throw new RangeError('maxWaitIterations must be at least 1');
    this.schedule = options.schedule ?? setImmediate;
  }

  /** Resolves when it is this caller's turn: at the earliest after the current iteration's I/O. */
  turn(): Promise<void> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      if (!this.scheduled) {
        this.scheduled = true;
        this.schedule(this.release);
      }
    });
  }

  /** How many wait for a turn. */
  get backlog(): number {
    return this.waiting.length - this.head;
  }

  private readonly release = (): void => {
    let count = Math.max(this.turnsPerIteration, Math.ceil(this.backlog * this.backlogShare));
    if (this.marks.length === this.maxWaitIterations) {
      // Everyone queued before the oldest remembered turn-out has waited long enough.
      count = Math.max(count, (this.marks[0] as number) - this.base - this.head);
    }
    const end = Math.min(this.waiting.length, this.head + count);
    for (; this.head < end; this.head++) {
      const resolve = this.waiting[this.head];
      this.waiting[this.head] = undefined;
      resolve?.();
    }
    if (this.head < this.waiting.length) {
      if (this.maxWaitIterations !== Infinity) {
        this.marks.push(this.base + this.waiting.length);
        if (this.marks.length > this.maxWaitIterations) this.marks.shift();
      }
      // Under load that never lets the lane empty, the released slots go now and then, not never.
      if (this.head >= COMPACT_AFTER) {
        this.waiting = this.waiting.slice(this.head);
        this.base += this.head;
        this.head = 0;
      }
      // The next turns after the next poll for I/O (an immediate queued now runs next iteration).
      this.schedule(this.release);
      return;
    }
    this.waiting = [];
    this.head = 0;
    this.base = 0;
    this.marks.length = 0;
    this.scheduled = false;
  };
}
