// A NewAPI / one-api `tokens` row → the /v1 token this gateway makes of it. `key` is stored without
// the `sk-` clients send; status 1 enabled, 2 disabled, 3 expired, 4 exhausted; `expired_time` is
// Unix seconds, -1 = never; `remain_quota` is left to spend unless `unlimited_quota`.
import { MODEL_NAME_PATTERN } from '@gateway/channels';
import { normalizeCidr, type TokenStatus } from '@gateway/tokens';
import type { SourceRow } from './source/newapi-source';
import { flag, integer, list, text } from './source-values';

export interface PlannedToken {
  sourceId: string;
  sourceUserId: string;
  name: string;
  key: string;
  status: TokenStatus;
  expiresAt: Date | null;
  /** null = unlimited. */
  remainQuota: bigint | null;
  models: string[];
  ipAllowlist: string[];
  group: string;
  notes: string[];
}

/** The statuses besides 2 (disabled) under which NewAPI refuses a token. */
const REFUSED_STATUSES = new Map([
  [3n, 'expired'],
  [4n, 'exhausted'],
]);

export type TokenPlan = { ok: true; planned: PlannedToken } | { ok: false; reason: string };

export function planToken(row: SourceRow): TokenPlan {
  if (text(row, 'deleted_at').trim() !== '') return { ok: false, reason: 'deleted in the source' };
  const stored = text(row, 'key').trim();
  if (!stored) return { ok: false, reason: 'no key' };
  const name = (text(row, 'name').trim() || 'imported').slice(0, 100);
  const notes: string[] = [];
  const sourceStatus = integer(row, 'status', 1n);
  // NewAPI refuses a token whose status is not 1 before it looks at the expiry or the quota, and an
  // admin there must enable an expired (3) or exhausted (4) one by hand even after extending it.
  let status: TokenStatus = sourceStatus === 1n ? 'active' : 'disabled';
  const refusedAs = REFUSED_STATUSES.get(sourceStatus);
  if (refusedAs) notes.push(`${name}: ${refusedAs} in NewAPI (status ${sourceStatus}); imported disabled`);
  const expiredTime = integer(row, 'expired_time', -1n);
  // With model limits on, NewAPI lets a token call only the models listed, none when the list is
  // empty; here an empty list allows every model, so such a token comes in disabled.
  const limited = flag(row, 'model_limits_enabled');
  const listed = limited ? list(text(row, 'model_limits')) : [];
  const models = listed.filter((model) => MODEL_NAME_PATTERN.test(model));
  if (models.length < listed.length) {
    const dropped = listed.filter((model) => !MODEL_NAME_PATTERN.test(model));
    notes.push(
      `${name}: model limit(s) ${dropped.map((m) => JSON.stringify(m)).join(', ')} dropped (not a model name here)`,
    );
  }
  if (limited && models.length === 0 && status === 'active') {
    status = 'disabled';
    notes.push(
      `${name}: model limits on in NewAPI with no usable model (it may call none there); imported disabled`,
    );
  }
  const ipAllowlist: string[] = [];
  for (const entry of list(text(row, 'allow_ips'), /[\r\n,]+/)) {
    const cidr = normalizeCidr(entry);
    if (cidr) ipAllowlist.push(cidr);
    else notes.push(`${name}: allowed IP ${JSON.stringify(entry)} is not an address or CIDR; dropped`);
  }
  const remain = integer(row, 'remain_quota');
  return {
    ok: true,
    planned: {
      sourceId: text(row, 'id'),
      sourceUserId: text(row, 'user_id'),
      name,
      key: stored.startsWith('sk-') ? stored : `sk-${stored}`,
      status,
      expiresAt: expiredTime < 0n ? null : new Date(Number(expiredTime) * 1000),
      remainQuota: flag(row, 'unlimited_quota') ? null : remain < 0n ? 0n : remain,
      models,
      ipAllowlist: [...new Set(ipAllowlist)],
      group: text(row, 'group').trim().toLowerCase(),
      notes,
    },
  };
}
