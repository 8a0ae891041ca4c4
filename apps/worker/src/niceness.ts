// The worker's background work (usage records into PostgreSQL, rollups, invoices, probes) yields the
// CPU to the api on a shared host: its threads run at a higher niceness (WORKER_NICENESS), so when
// the cores are contended the kernel runs the api's request first and the worker a moment later,
// instead of a usage batch delaying every request that arrives while it is written (issue #16).
// Raising one's own niceness needs no privilege. On Linux niceness belongs to each thread: every
// thread of the process is set, those started later (libuv's pool) inherit it from the main one.
import { readdirSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

export interface NicenessResult {
  /** The threads set (1 where the platform sets the whole process at once). */
  threads: number;
  /** Why some could not be set, if any could not. */
  failed?: string;
}

/** Sets this process's threads to `niceness` (0-19; 0 leaves them as they are). */
export function lowerPriority(niceness: number, tasksDir = '/proc/self/task'): NicenessResult {
  if (niceness <= 0) return { threads: 0 };
  let threads: number[];
  try {
    threads = readdirSync(tasksDir).map(Number).filter(Number.isInteger);
  } catch {
    // Not Linux: the process's priority is the process's.
    threads = [0];
  }
  let set = 0;
  let failed: string | undefined;
  for (const thread of threads) {
    try {
      // Never lower a niceness someone set higher (`nice -n 15 npm start`).
      if (getPriority(thread) < niceness) setPriority(thread, niceness);
      set++;
    } catch (error) {
      // A thread that ended meanwhile, or a platform that refuses: the worker runs as it is.
      failed = error instanceof Error ? error.message : String(error);
    }
  }
  return failed === undefined ? { threads: set } : { threads: set, failed };
}
