// /api/usage: the per-request log and its aggregates.
import type { Schema } from '@gateway/contracts';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../../api/client';
import { queryKeys } from '../../../api/query-keys';

export const USAGE_GROUP_BY = ['model', 'channel', 'tenant', 'token', 'hour', 'day'] as const;
export type UsageGroupBy = (typeof USAGE_GROUP_BY)[number];

export type UsageTotals = Schema<'UsageTotalsView'>;
export type UsageSummaryItem = Schema<'UsageSummaryItemView'>;
export type UsageLog = Schema<'UsageLogView'>;

export interface UsageFilters {
  from?: string;
  to?: string;
  tenantId?: string;
  tokenId?: string;
  channelId?: string;
  model?: string;
  status?: string;
}

export function useUsageSummary(groupBy: UsageGroupBy, filters: UsageFilters) {
  const query = { groupBy, ...filters };
  return useQuery({
    queryKey: queryKeys.usage.summary(query),
    queryFn: () => unwrap(api.GET('/api/usage/summary', { params: { query } })),
    placeholderData: keepPreviousData,
  });
}

export function useUsageLogs(page: number, pageSize: number, filters: UsageFilters) {
  const query = { page, pageSize, ...filters };
  return useQuery({
    queryKey: queryKeys.usage.logs(query),
    queryFn: () => unwrap(api.GET('/api/usage/logs', { params: { query } })),
    placeholderData: keepPreviousData,
  });
}

/** The CSV export of the same filters (the browser downloads it with the session cookie). */
export function usageCsvUrl(filters: UsageFilters): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) if (value) search.set(key, value);
  return `/api/usage/logs.csv?${search.toString()}`;
}
