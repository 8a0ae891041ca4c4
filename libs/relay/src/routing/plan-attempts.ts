// The pure routing core: given a snapshot of channels and live key state, decide which
// (channel, key, upstream model) pairs to try, in order. No Nest, no I/O; time and randomness are
// injected so the plan is reproducible in tests.
//
// Order (DESIGN.md invariant 3; API.md "Priority"): channels by priority tier, higher first, weighted
// random within a tier; inside a channel its usable keys by key priority, higher first, weighted random
// within equal priority. The plan lists every usable key of the first channel, then the next channel's
// ("same model on another key, then another channel"), truncated to `maxAttempts`.
// Keys that are cooling down (invariant 4) or at one of their caps (invariant 5) are left out up front.

import { ChannelCandidate, IDLE_KEY_STATE, KeyCandidate, KeyState, KeyStateLookup } from './routing-snapshot';

export interface PlanAttemptsInput<C extends ChannelCandidate = ChannelCandidate> {
  readonly channels: readonly C[];
  /** The model the client asked for (a served model name or an alias in a channel's modelMapping). */
  readonly model: string;
  /** The token's groups; a channel is eligible when it shares at least one. */
  readonly groups: readonly string[];
  readonly keyState: KeyStateLookup;
  /** ms since the epoch. */
  readonly now: number;
  /** Uniform in [0, 1), like Math.random. */
  readonly random: () => number;
  readonly maxAttempts: number;
  /** Expected tokens of this request (prompt + expected completion), checked against tpm/tpd. */
  readonly estimatedTokens: number;
  /** Put this channel first when it is usable. */
  readonly stickyChannelId?: string | null;
  /** Put this key first (and its channel first, unless `stickyChannelId` names another usable one) when usable. */
  readonly stickyKeyId?: string | null;
}

export interface Attempt<C extends ChannelCandidate = ChannelCandidate> {
  readonly channel: C;
  readonly key: C['keys'][number];
  /** What to send upstream: `modelMapping[model] ?? model`. */
  readonly upstreamModel: string;
}

export interface AttemptPlan<C extends ChannelCandidate = ChannelCandidate> {
  /** In the order to try them; empty when nothing can serve the request now. */
  readonly attempts: Attempt<C>[];
  /** Enabled keys of eligible channels that were left out, by reason (a cooling key counts as cooling only). */
  readonly skipped: { readonly cooling: number; readonly capped: number };
  /** Earliest `cooldownUntil` among keys skipped for cooling (ms epoch), for `Retry-After`; else null. */
  readonly soonestRecovery: number | null;
}

/** Why a key cannot take this request now, or null when it can. */
export type KeyBlock = 'disabled' | 'cooling' | 'capped';

/** Checks one key against its status, cooldown and caps (counters plus this request). */
export function keyBlock(
  key: KeyCandidate,
  state: KeyState,
  now: number,
  estimatedTokens: number,
): KeyBlock | null {
  if (key.status !== 'enabled') return 'disabled';
  if (state.cooldownUntil != null && state.cooldownUntil > now) return 'cooling';
  const tokens = Math.max(0, estimatedTokens);
  if (key.rpm != null && state.requestsThisMinute + 1 > key.rpm) return 'capped';
  if (key.rpd != null && state.requestsToday + 1 > key.rpd) return 'capped';
  if (key.tpm != null && (state.tokensThisMinute >= key.tpm || state.tokensThisMinute + tokens > key.tpm)) {
    return 'capped';
  }
  if (key.tpd != null && (state.tokensToday >= key.tpd || state.tokensToday + tokens > key.tpd))
    return 'capped';
  return null;
}

/** The upstream model a channel would use for `model`, or null when it does not serve it. */
export function upstreamModelFor(channel: ChannelCandidate, model: string): string | null {
  if (Object.prototype.hasOwnProperty.call(channel.modelMapping, model)) {
    const mapped = channel.modelMapping[model];
    if (typeof mapped === 'string' && mapped !== '') return mapped;
  }
  return channel.models.includes(model) ? model : null;
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
 * Items of weight 0 (or less) come after all others, in uniformly random order.
 */
export function weightedOrder<T>(
  items: readonly T[],
  weightOf: (item: T) => number,
  random: () => number,
): T[] {
  const positive = items.filter((item) => effectiveWeight(weightOf(item)) > 0);
  const zero = items.filter((item) => effectiveWeight(weightOf(item)) === 0);
  const out: T[] = [];
  while (positive.length > 0) {
    const total = positive.reduce((sum, item) => sum + effectiveWeight(weightOf(item)), 0);
    const r0 = random();
    const target = (Number.isFinite(r0) ? Math.min(Math.max(r0, 0), 1) : 0) * total;
    let index = positive.length - 1;
    let cumulative = 0;
    for (let i = 0; i < positive.length; i++) {
      cumulative += effectiveWeight(weightOf(positive[i]));
      if (target < cumulative) {
        index = i;
        break;
      }
    }
    out.push(positive[index]);
    positive.splice(index, 1);
  }
  while (zero.length > 0) {
    const index = pickIndex(random, zero.length);
    out.push(zero[index]);
    zero.splice(index, 1);
  }
  return out;
}

/** Priority tiers, higher first; weighted random order within each tier. */
export function tieredOrder<T>(
  items: readonly T[],
  priorityOf: (item: T) => number,
  weightOf: (item: T) => number,
  random: () => number,
): T[] {
  const tiers = [...new Set(items.map(priorityOf))].sort((a, b) => b - a);
  return tiers.flatMap((tier) =>
    weightedOrder(
      items.filter((item) => priorityOf(item) === tier),
      weightOf,
      random,
    ),
  );
}

function moveToFront<T>(items: T[], matches: (item: T) => boolean): T[] {
  const index = items.findIndex(matches);
  if (index <= 0) return items;
  return [items[index], ...items.slice(0, index), ...items.slice(index + 1)];
}

interface Eligible<C extends ChannelCandidate> {
  readonly channel: C;
  readonly upstreamModel: string;
  readonly keys: C['keys'][number][];
}

/** Plans the ordered attempts for one request. Pure: same input (and random sequence), same plan. */
export function planAttempts<C extends ChannelCandidate>(input: PlanAttemptsInput<C>): AttemptPlan<C> {
  const { model, groups, now, random, estimatedTokens } = input;
  let cooling = 0;
  let capped = 0;
  let soonestRecovery: number | null = null;

  const eligible: Eligible<C>[] = [];
  for (const channel of input.channels) {
    if (channel.status !== 'enabled' || !sharesGroup(channel, groups)) continue;
    const upstreamModel = upstreamModelFor(channel, model);
    if (upstreamModel == null) continue;
    const keys: C['keys'][number][] = [];
    for (const key of channel.keys) {
      const state = input.keyState(key.id) ?? IDLE_KEY_STATE;
      const block = keyBlock(key, state, now, estimatedTokens);
      if (block === null) {
        keys.push(key);
      } else if (block === 'cooling') {
        cooling++;
        const until = state.cooldownUntil as number;
        if (soonestRecovery === null || until < soonestRecovery) soonestRecovery = until;
      } else if (block === 'capped') {
        capped++;
      }
    }
    if (keys.length > 0) eligible.push({ channel, upstreamModel, keys });
  }

  const limit = Number.isFinite(input.maxAttempts) ? Math.max(0, Math.floor(input.maxAttempts)) : 0;
  const skipped = { cooling, capped };
  if (limit === 0 || eligible.length === 0) return { attempts: [], skipped, soonestRecovery };

  let ordered = tieredOrder(
    eligible,
    (e) => e.channel.priority,
    (e) => e.channel.weight,
    random,
  );
  const { stickyChannelId, stickyKeyId } = input;
  const stickyKeyChannel =
    stickyKeyId != null ? ordered.find((e) => e.keys.some((k) => k.id === stickyKeyId)) : undefined;
  const stickyChannel =
    (stickyChannelId != null ? ordered.find((e) => e.channel.id === stickyChannelId) : undefined) ??
    stickyKeyChannel;
  if (stickyChannel) ordered = moveToFront(ordered, (e) => e === stickyChannel);

  const attempts: Attempt<C>[] = [];
  for (const entry of ordered) {
    let keys = tieredOrder(
      entry.keys,
      (k) => k.priority,
      (k) => k.weight,
      random,
    );
    if (stickyKeyId != null) keys = moveToFront(keys, (k) => k.id === stickyKeyId);
    for (const key of keys) {
      if (attempts.length >= limit) return { attempts, skipped, soonestRecovery };
      attempts.push({ channel: entry.channel, key, upstreamModel: entry.upstreamModel });
    }
  }
  return { attempts, skipped, soonestRecovery };
}
