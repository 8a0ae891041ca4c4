// A NewAPI / one-api `redemptions` row → a redemption code here, when its customer could still use
// it: status 1 (2 is disabled, 3 used), not deleted, `expired_time` (Unix seconds, 0 = never) still
// ahead, `quota` above zero. `key` is 32 hex characters, redeemed here as it was there.
import type { SourceRow } from './source/newapi-source';
import { integer, text } from './source-values';

export interface PlannedRedemption {
  sourceId: string;
  name: string;
  code: string;
  quota: bigint;
  expiresAt: Date | null;
}

export type RedemptionPlan = { ok: true; planned: PlannedRedemption } | { ok: false; reason: string };

const NEWAPI_CODE = /^[0-9a-f]{32}$/i;

export function planRedemption(row: SourceRow, now: Date): RedemptionPlan {
  if (text(row, 'deleted_at').trim() !== '') return { ok: false, reason: 'deleted in the source' };
  const status = integer(row, 'status', 1n);
  if (status === 3n) return { ok: false, reason: 'used in the source' };
  if (status !== 1n) return { ok: false, reason: 'disabled in the source' };
  const expiredTime = integer(row, 'expired_time', 0n);
  const expiresAt = expiredTime > 0n ? new Date(Number(expiredTime) * 1000) : null;
  if (expiresAt && expiresAt <= now) return { ok: false, reason: 'expired in the source' };
  const quota = integer(row, 'quota', 0n);
  if (quota <= 0n) return { ok: false, reason: 'worth nothing (quota 0)' };
  const code = text(row, 'key').trim();
  if (!NEWAPI_CODE.test(code)) return { ok: false, reason: 'not a NewAPI code (32 hex characters)' };
  return {
    ok: true,
    planned: {
      sourceId: text(row, 'id'),
      name: text(row, 'name').trim().slice(0, 100),
      code: code.toLowerCase(),
      quota,
      expiresAt,
    },
  };
}
