// What the router sees: an in-process snapshot of channels and their key pools (invariant 1 — no
// Postgres round trip per request). Live key state (cooldowns, usage counters) stays in Redis and is
// judged there as an attempt takes its key. Pure data: no Nest, no I/O, so the routing core can be
// tested with plain objects.

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
  /** Caps per upstream model (providers' free tiers), beside the key's own. */
  readonly modelLimits: Readonly<Record<string, ModelCaps>>;
  /**
   * The IANA zone whose local days the daily caps (rpd, tpd, the models' too) count in: the channel's
   * effective dayResetZone. Absent: UTC.
   */
  readonly dayZone?: string;
}

/** One model's caps on a key; a missing one is no limit. */
export interface ModelCaps {
  readonly rpm?: number;
  readonly tpm?: number;
  readonly rpd?: number;
  readonly tpd?: number;
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
