// What the router sees: an in-process snapshot of channels and their key pools (invariant 1 — no
// Postgres round trip per request), plus live per-key state (cooldowns, usage counters) looked up by id.
// Pure data: no Nest, no I/O, so the routing core can be tested with plain objects.

/** Same values as the channels table; only `enabled` is routable (`auto_disabled` waits for a probe). */
export type RoutingStatus = 'enabled' | 'disabled' | 'auto_disabled';

/** One key in a channel's pool. Caps are per key; `null` means no limit. */
export interface KeyCandidate {
  readonly id: string;
  /** Higher is tried first. */
  readonly priority: number;
  /** Splits traffic among keys of equal priority. */
  readonly weight: number;
  readonly status: RoutingStatus;
  readonly rpm: number | null;
  readonly tpm: number | null;
  readonly rpd: number | null;
  readonly tpd: number | null;
}

/** One upstream channel as the router sees it. */
export interface ChannelCandidate {
  readonly id: string;
  readonly name: string;
  readonly type: string;
  /** Upstream model names this channel serves directly. */
  readonly models: readonly string[];
  /** alias (what clients ask for) → upstream model name. */
  readonly modelMapping: Readonly<Record<string, string>>;
  /** Higher is tried first. */
  readonly priority: number;
  /** Splits traffic among channels of equal priority. */
  readonly weight: number;
  readonly groups: readonly string[];
  readonly status: RoutingStatus;
  readonly keys: readonly KeyCandidate[];
}

/** Live state of one key, shared across API processes (Redis in production). */
export interface KeyState {
  /** ms since the epoch; the key is skipped while `cooldownUntil > now`. */
  readonly cooldownUntil: number | null;
  readonly requestsThisMinute: number;
  readonly tokensThisMinute: number;
  readonly requestsToday: number;
  readonly tokensToday: number;
}

/** A key with no recorded activity and no cooldown. */
export const IDLE_KEY_STATE: KeyState = Object.freeze({
  cooldownUntil: null,
  requestsThisMinute: 0,
  tokensThisMinute: 0,
  requestsToday: 0,
  tokensToday: 0,
});

/** Looks up a key's live state; `undefined` is read as {@link IDLE_KEY_STATE}. */
export type KeyStateLookup = (keyId: string) => KeyState | undefined;
