// What the relay knows about a token while serving a request: an immutable copy of the row, with
// its lists prepared for O(1) model checks and a ready IP matcher.
import type { Token, TokenStatus } from '../entities/token.entity';
import { IpAllowlist } from '../ip/ip-allowlist';

export interface TokenSnapshot {
  readonly id: string;
  readonly tenantId: string;
  readonly userId: string | null;
  readonly name: string;
  readonly status: TokenStatus;
  /** Epoch milliseconds; null = never expires. */
  readonly expiresAt: number | null;
  /** Spend cap in nano-USD; null = unlimited. What has been spent lives in the billing counters, not here. */
  readonly quotaNano: bigint | null;
  /** Names the Redis mirror of its spend under the quota (Token.quotaEpoch). */
  readonly quotaEpoch: number;
  /** Empty = every model of the tenant. */
  readonly models: ReadonlySet<string>;
  readonly ipAllowlist: IpAllowlist;
  readonly rpm: number | null;
  readonly tpm: number | null;
}

export type TokenCheckResult =
  'ok' | 'invalid_api_key' | 'expired' | 'disabled' | 'ip_not_allowed' | 'model_not_allowed';

export interface TokenCheckContext {
  /** The client address as Express reports it (`req.ip`). */
  ip: string | null | undefined;
  /** The requested model, when the endpoint names one. */
  model?: string;
  /** Epoch ms; defaults to now. */
  now?: number;
}

/** A frozen set: `add`/`delete`/`clear` throw instead of changing what every request shares. */
class FrozenSet<T> extends Set<T> {
  private frozen = false;
  constructor(values: Iterable<T>) {
    super(values);
    this.frozen = true;
    Object.freeze(this);
  }
  override add(value: T): this {
    if (this.frozen) throw new TypeError('a token snapshot is immutable');
    return super.add(value);
  }
  override delete(): boolean {
    throw new TypeError('a token snapshot is immutable');
  }
  override clear(): void {
    throw new TypeError('a token snapshot is immutable');
  }
}

export function snapshotOf(token: Token): TokenSnapshot {
  return Object.freeze({
    id: token.id,
    tenantId: token.tenantId,
    userId: token.userId,
    name: token.name,
    status: token.status,
    expiresAt: token.expiresAt ? token.expiresAt.getTime() : null,
    quotaNano: token.quotaNano,
    quotaEpoch: token.quotaEpoch,
    models: new FrozenSet(token.models),
    ipAllowlist: new IpAllowlist(token.ipAllowlist),
    rpm: token.rpm,
    tpm: token.tpm,
  });
}

/**
 * May this token serve this request? Pure: no I/O, no clock unless `now` is omitted. The order is
 * the order a client should fix things in: a key that is wrong, off or expired says so before the
 * request's own details are judged.
 */
export function checkToken(
  snapshot: TokenSnapshot | undefined,
  context: TokenCheckContext,
): TokenCheckResult {
  if (!snapshot) return 'invalid_api_key';
  if (snapshot.status !== 'active') return 'disabled';
  if (snapshot.expiresAt !== null && snapshot.expiresAt <= (context.now ?? Date.now())) return 'expired';
  if (!snapshot.ipAllowlist.allows(context.ip)) return 'ip_not_allowed';
  if (context.model !== undefined && snapshot.models.size > 0 && !snapshot.models.has(context.model)) {
    return 'model_not_allowed';
  }
  return 'ok';
}
