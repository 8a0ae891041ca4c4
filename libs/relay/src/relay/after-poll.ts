// Work that can wait for the rest of the event loop's poll for I/O: a committed stream's next read,
// relayed to its client. Queued, it runs in the same iteration's check phase, all of it in one
// setImmediate, in the order it was queued (work queued while that runs: after the next poll); what
// the poll still holds goes first: a new request's parse, an admission's reply (the upstream call),
// an upstream's first event (the client's first byte). Those are what a client waits on before its
// first byte, and at many streams they used to wait behind the reads of every stream that happened
// to be ready before them (issue #16: time to first byte under load). Nothing is dropped or delayed
// past the iteration.
//
// Work queued with `afterPollFirst` (the relay's intake lane: the start of requests read in the
// poll) runs in the same check phase, before the streams' reads, and so does what it resumes: a new
// request's admission waits for the rest of its poll, not for other streams.

let first: (() => void)[] = [];
let queued: (() => void)[] = [];
let spareFirst: (() => void)[] = [];
let spare: (() => void)[] = [];
let scheduled = false;

// Two immediates, queued together: Node runs the microtasks between them, so what the first list's
// work resumes (a request's start, awaiting its turn) runs before the second list's. afterPoll work
// queued in between still runs in the second.
function runFirst(): void {
  const run = first;
  // Queued while this runs: after the next iteration's poll.
  first = spareFirst;
  const failure = runAll(run);
  run.length = 0;
  spareFirst = run;
  if (failure !== null) throw failure.error;
}

function runRest(): void {
  scheduled = false;
  const run = queued;
  queued = spare;
  const failure = runAll(run);
  run.length = 0;
  spare = run;
  // What was queued since the first list ran (the next turn-out of a lane, the next read of a
  // stream) goes after the next poll.
  if (first.length > 0 || queued.length > 0) schedule();
  // The rest still ran; the first failure is thrown after it, as the caller's own would be.
  if (failure !== null) throw failure.error;
}

/** Runs every piece of work in `list`, the rest too when one throws; returns the first failure. */
function runAll(list: (() => void)[]): { error: unknown } | null {
  let failure: { error: unknown } | null = null;
  for (let i = 0; i < list.length; i++) {
    try {
      (list[i] as () => void)();
    } catch (error) {
      failure ??= { error };
    }
  }
  return failure;
}

function schedule(): void {
  if (!scheduled) {
    scheduled = true;
    setImmediate(runFirst);
    setImmediate(runRest);
  }
}

/** Runs `work` after the current iteration's poll for I/O, in the order queued. */
export function afterPoll(work: () => void): void {
  queued.push(work);
  schedule();
}

/**
 * As `afterPoll`, ahead of all the work `afterPoll` queued for the same iteration, and of it also
 * the promise callbacks this work resolves (a lane's turns).
 */
export function afterPollFirst(work: () => void): void {
  first.push(work);
  schedule();
}
