// The WHERE clause shared by every /api/usage read: the caller's scope, then the query's filters.
import type { SelectQueryBuilder } from 'typeorm';
import type { UsageRecord } from '../entities/usage-record.entity';

export interface UsageFilter {
  from?: Date;
  to?: Date;
  tenantId?: string;
  /** A member's scope: only these tokens (possibly none). */
  tokenIds?: string[];
  tokenId?: string;
  channelId?: string;
  model?: string;
  status?: 'success' | 'error' | number;
}

/** A request failed for the client (status >= 400) or its stream ended in an error. */
export const FAILED = '(r.status >= 400 OR r.error_code IS NOT NULL)';

/** Adds `filter` to a query over `usage_records` aliased `r`. */
export function whereUsage<T extends SelectQueryBuilder<UsageRecord>>(qb: T, filter: UsageFilter): T {
  qb.where('TRUE');
  if (filter.tenantId !== undefined) qb.andWhere('r.tenant_id = :tenantId', { tenantId: filter.tenantId });
  if (filter.tokenIds !== undefined)
    qb.andWhere('r.token_id = ANY(:tokenIds)', { tokenIds: filter.tokenIds });
  if (filter.tokenId !== undefined) qb.andWhere('r.token_id = :tokenId', { tokenId: filter.tokenId });
  if (filter.channelId !== undefined) {
    qb.andWhere('r.channel_id = :channelId', { channelId: filter.channelId });
  }
  if (filter.model !== undefined) qb.andWhere('r.model = :model', { model: filter.model });
  if (filter.from !== undefined) qb.andWhere('r.started_at >= :from', { from: filter.from });
  if (filter.to !== undefined) qb.andWhere('r.started_at < :to', { to: filter.to });
  if (filter.status === 'error') qb.andWhere(FAILED);
  else if (filter.status === 'success') qb.andWhere(`NOT ${FAILED}`);
  else if (filter.status !== undefined) qb.andWhere('r.status = :status', { status: filter.status });
  return qb;
}
