// Resident memory of the measured processes (Linux /proc). VmHWM would be the peak of a process's whole
// life, so the peak during one scenario comes from sampling VmRSS while it runs.
import { readFileSync } from 'node:fs';

/** A process's resident set in MB now, or null (gone, or not Linux). */
export function rssMb(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]);
    return Number.isFinite(kb) ? Math.round(kb / 102.4) / 10 : null;
  } catch {
    return null;
  }
}

export class PeakRss {
  /** @param {Record<string, number>} pids by name @param {number} everyMs */
  constructor(pids, everyMs = 100) {
    this.pids = pids;
    /** @type {Record<string, number | null>} */
    this.peaks = Object.fromEntries(Object.keys(pids).map((name) => [name, null]));
    this.sample();
    this.timer = setInterval(() => this.sample(), everyMs);
  }

  sample() {
    for (const [name, pid] of Object.entries(this.pids)) {
      const mb = rssMb(pid);
      if (mb !== null && (this.peaks[name] === null || mb > this.peaks[name])) this.peaks[name] = mb;
    }
  }

  /** Stops sampling; the peak MB of each process while it ran (null when never readable). */
  stop() {
    clearInterval(this.timer);
    this.sample();
    return this.peaks;
  }
}
