// The pause before trying again candidates that just answered 408/5xx or could not be reached, once
// no other candidate is left: doubling per round, with full jitter so that the requests that failed
// together do not come back together.

const BASE_MS = 250;
const MAX_MS = 4_000;

/** The pause before retry round `round` (0 first), in [base·2^round / 2, base·2^round), capped. */
export function transientBackoffMs(round: number, random: () => number): number {
  const ceiling = Math.min(MAX_MS, BASE_MS * 2 ** Math.max(0, round));
  const r = random();
  const unit = Number.isFinite(r) ? Math.min(Math.max(r, 0), 1) : 0;
  return Math.round(ceiling / 2 + (ceiling / 2) * unit);
}
