// The pure routing core: given a snapshot of channels, decide in which order to try the
// (channel, key, upstream model) candidates of one request. No Nest, no I/O; randomness is injected
// so the plan is reproducible in tests.
//
// Order (docs/design.md invariant 3; docs/api.md "Priority"): channels by priority tier, higher first, weighted
// random within a tier; inside a channel its enabled keys by key priority, higher first, weighted
// random within equal priority. The plan lists every key of the first channel, then the next
// channel's ("same model on another key, then another channel"); a sticky session's key is put
// first afterwards, in Redis (sticky-order.ts).
// The plan is the order only: whether a key is cooling down (invariant 4) or at one of its caps
// (invariant 5) is judged in Redis as each attempt takes its key (RelayLimiter.acquireFirst), and the
// relay bounds the attempts (RELAY_MAX_ATTEMPTS counts the upstream calls, not the keys passed over).

import { upstreamModelFor } from '@gateway/channels';
import { ChannelCandidate } from './routing-snapshot';

export interface PlanAttemptsInput<C extends ChannelCandidate = ChannelCandidate> {
  readonly channels: readonly C[];
  /** The model the client asked for (a served model name or an alias in a channel's modelMapping). */
  readonly model: string;
  /** The token's groups; a channel is eligible when it shares at least one. */
  readonly groups: readonly string[];
  /** Uniform in [0, 1), like Math.random. */
  readonly random: () => number;
}

export interface Attempt<C extends ChannelCandidate = ChannelCandidate> {
  readonly channel: C;
  readonly key: C['keys'][number];
  /** What to send upstream: `modelMapping[model] ?? model`. */
  readonly upstreamModel: string;
}

function sharesGroup(channel: ChannelCandidate, groups: readonly string[]): boolean {
  return channel.groups.some((g) => groups.includes(g));
}

function effectiveWeight(weight: number): number {
  return Number.isFinite(weight) && weight > 0 ? weight : 0;
}

/** An index in [0, n) from the injected source, robust to a source that returns 1 or garbage. */
function pickIndex(random: () => number, n: number): number {
  const r = random();
  const i = Math.floor((Number.isFinite(r) ? r : 0) * n);
  return Math.min(Math.max(i, 0), n - 1);
}

/**
 * Weighted random order without replacement: each pick is proportional to weight among those left.
 * Items of weight 0 (or less) come after all others, in uniformly random order. One draw per item
 * (an exponential race: each item's time is -ln(u)/weight, and the earliest goes first, which is
 * the weighted pick, again among those left), so a pool of n keys costs n log n, not n².
 */
function weightedOrder<T>(items: readonly T[], weightOf: (item: T) => number, random: () => number): T[] {
  // One weight for all (most pools' keys): every order is equally likely, which a shuffle gives
  // without a logarithm per item and a sort (issue #16: a 100-key pool's plan took 23 µs, 1,000 keys'
  // 430 µs; shuffled, and with the table's keys of one shape, 3.4 and 32).
  const one = items.length === 0 ? 0 : effectiveWeight(weightOf(items[0] as T));
  if (one > 0 && items.every((item) => effectiveWeight(weightOf(item)) === one))
    return shuffled(items, random);
  const raced: { item: T; time: number }[] = [];
  const zero: T[] = [];
  for (const item of items) {
    const weight = effectiveWeight(weightOf(item));
    if (weight > 0) raced.push({ item, time: -Math.log(unitDraw(random)) / weight });
    else zero.push(item);
  }
  raced.sort((a, b) => a.time - b.time);
  const ordered = raced.map((entry) => entry.item);
  // Every order of the weightless equally likely.
  for (const item of shuffled(zero, random)) ordered.push(item);
  return ordered;
}

/** `items` in a uniformly random order (Fisher-Yates). */
function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const order = items.slice();
  for (let i = order.length - 1; i > 0; i--) {
    const j = pickIndex(random, i + 1);
    const swapped = order[i] as T;
    order[i] = order[j] as T;
    order[j] = swapped;
  }
  return order;
}

/** A draw in (0, 1] from the injected source, robust to a source that returns 0, 1 or garbage. */
function unitDraw(random: () => number): number {
  const r = random();
  const u = 1 - (Number.isFinite(r) ? Math.min(Math.max(r, 0), 1) : 0);
  return Math.max(u, Number.MIN_VALUE);
}

/** Priority tiers, higher first; weighted random order within each tier. */
function tieredOrder<T>(
  items: readonly T[],
  priorityOf: (item: T) => number,
  weightOf: (item: T) => number,
  random: () => number,
): T[] {
  // One tier (most pools) is the whole list, with no set of tiers to build. Several are joined by a
  // loop: `flatMap` costs V8 about five times as much (its runtime looks at each element), on every
  // request (issue #16).
  const top = items.length === 0 ? 0 : priorityOf(items[0] as T);
  if (items.every((item) => priorityOf(item) === top)) return weightedOrder(items, weightOf, random);
  const tiers = [...new Set(items.map(priorityOf))].sort((a, b) => b - a);
  const ordered: T[] = [];
  for (const tier of tiers) {
    const inTier = items.filter((item) => priorityOf(item) === tier);
    for (const item of weightedOrder(inTier, weightOf, random)) ordered.push(item);
  }
  return ordered;
}

interface Eligible<C extends ChannelCandidate> {
  readonly channel: C;
  readonly upstreamModel: string;
  readonly keys: C['keys'][number][];
}

/**
 * The attempts for one request, in the order to try them; empty when no enabled channel of the
 * token's groups serves the model with an enabled key. Pure: same input (and random sequence), same plan.
 */
export function planAttempts<C extends ChannelCandidate>(input: PlanAttemptsInput<C>): Attempt<C>[] {
  const { model, groups, random } = input;
  const eligible: Eligible<C>[] = [];
  for (const channel of input.channels) {
    if (channel.status !== 'enabled' || !sharesGroup(channel, groups)) continue;
    const upstreamModel = upstreamModelFor(channel, model);
    if (upstreamModel == null) continue;
    const keys = channel.keys.filter((key) => key.status === 'enabled');
    if (keys.length > 0) eligible.push({ channel, upstreamModel, keys });
  }
  if (eligible.length === 0) return [];

  const ordered = tieredOrder(
    eligible,
    (e) => e.channel.priority,
    (e) => e.channel.weight,
    random,
  );
  const attempts: Attempt<C>[] = [];
  for (const entry of ordered) {
    const keys = tieredOrder(
      entry.keys,
      (k) => k.priority,
      (k) => k.weight,
      random,
    );
    for (const key of keys)
      attempts.push({ channel: entry.channel, key, upstreamModel: entry.upstreamModel });
  }
  return attempts;
}
