// Every relayed stream holds two sockets (its client's and its upstream's), so the open-files limit
// caps concurrent streams at about half of it. Node raises its soft limit to the hard one at start;
// a host whose hard limit is low (some container runtimes and service managers give 1024) still
// refuses connections past a few hundred streams, so the api says so at start.
import { readFileSync } from 'node:fs';

/** Below this soft limit the api warns: under about 2,000 concurrent streams. */
export const LOW_OPEN_FILES = 4096;

/** The soft "Max open files" of a /proc/<pid>/limits text; undefined when absent or unlimited. */
export function softOpenFilesLimit(limits: string): number | undefined {
  const match = /^Max open files\s+(\S+)/m.exec(limits);
  const value = match ? Number(match[1]) : NaN;
  return Number.isSafeInteger(value) ? value : undefined;
}

/** A warning line when this process may open too few files for its streams (Linux only), else undefined. */
export function openFilesWarning(
  readLimits: () => string = () => readFileSync('/proc/self/limits', 'utf8'),
): string | undefined {
  let limit: number | undefined;
  try {
    limit = softOpenFilesLimit(readLimits());
  } catch {
    return undefined; // not Linux, or /proc not mounted: nothing to say
  }
  if (limit === undefined || limit >= LOW_OPEN_FILES) return undefined;
  return (
    `open files limited to ${limit}: each stream holds two (client and upstream), so about ` +
    `${Math.floor(limit / 2)} concurrent streams before connections are refused; raise it ` +
    `(ulimit -n, LimitNOFILE=, or the container's nofile ulimit)`
  );
}
