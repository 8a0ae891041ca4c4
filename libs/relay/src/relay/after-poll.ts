// Work that can wait for the rest of the event loop's poll for I/O: a committed stream's next read,
// relayed to its client. Queued, it runs in the same iteration's check phase, all of it in one
// setImmediate, in the order it was queued; what the poll still holds goes first: a new request's
// parse and admission, an admission's reply (the upstream call), an upstream's first event (the
// client's first byte). Those are what a client waits on before its first byte, and at many streams
// they used to wait behind the reads of every stream that happened to be ready before them (issue
// #16: time to first byte under load). Nothing is dropped or delayed past the iteration.

let queued: (() => void)[] = [];
let spare: (() => void)[] = [];
let scheduled = false;

function runQueued(): void {
  scheduled = false;
  const run = queued;
  // Work queued while this runs goes after the next iteration's poll, as all queued work does.
  queued = spare;
  let failed = false;
  let failure: unknown;
  for (let i = 0; i < run.length; i++) {
    try {
      (run[i] as () => void)();
    } catch (error) {
      // The rest still runs; the first failure is thrown after it, as the caller's own would be.
      if (!failed) [failed, failure] = [true, error];
    }
  }
  run.length = 0;
  spare = run;
  if (failed) throw failure;
}

/** Runs `work` after the current iteration's poll for I/O, in the order queued. */
export function afterPoll(work: () => void): void {
  queued.push(work);
  if (!scheduled) {
    scheduled = true;
    setImmediate(runQueued);
  }
}
