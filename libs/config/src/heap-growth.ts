// How far V8 lets the old generation grow past what its last full collection kept before it
// collects again (issue #16). Left to itself V8 picks a factor between 1.1 and 4 from how fast it
// collects, and a gateway under load gets a large one: every in-flight request's objects that
// outlive two scavenges are promoted and die there moments later, so under 1,000 concurrent
// streams the api's old generation grew to about 260 MB around some 75 MB that a full collection
// kept, and its RSS to about 380 MB. A fixed factor of 1.5 collects that garbage sooner: 240 MB,
// for about 10 % more api CPU per stream there and no measurable change for chat at c=64 (README
// "Configuration", HEAP_GROWTH_PERCENT).
import * as v8 from 'node:v8';

/** V8's flag (not accepted in NODE_OPTIONS, but read again at every collection, so it can be set here). */
export const HEAP_GROWTH_FLAG = '--heap-growing-percent';

/** The flag that sets V8's growth factor to 1 + percent / 100, or null for 0 (V8's own). */
export function heapGrowthFlag(percent: number): string | null {
  return percent > 0 ? `${HEAP_GROWTH_FLAG}=${percent}` : null;
}

/** Applies HEAP_GROWTH_PERCENT (heapGrowthFlag), before the app is built. */
export function limitHeapGrowth(percent: number): void {
  const flag = heapGrowthFlag(percent);
  if (flag !== null) v8.setFlagsFromString(flag);
}
