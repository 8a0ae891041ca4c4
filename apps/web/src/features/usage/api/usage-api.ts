// /api/usage: the per-request log and its aggregates.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { getUntyped } from '../../../api/client';
import { queryKeys } from '../../../api/query-keys';

export const USAGE_GROUP_BY = ['model', 'channel', 'tenant', 'token', 'hour', 'day'] as const;
export type UsageGroupBy = (typeof USAGE_GROUP_BY)[number];

export interface UsageTotals {
  requests: number;
  errors: number;
  promptTokens: number;
  cachedTokens: number;
  completionTokens: number;
  costUsd: string;
  avgLatencyMs: number | null;
  p50LatencyMs: number | null;
  p95LatencyMs: number | null;
  avgTtftMs: number | null;
}

export interface UsageSummaryItem extends UsageTotals {
  /** model, channel/tenant/token id, or an hour / day (UTC); null: reached no channel. */
  key: string | null;
  /** the channel's name when grouped by channel */
  label?: string | null;
}

export interface UsageSummary {
  items: UsageSummaryItem[];
  totals?: UsageTotals;
}

export interface UsageAttempt {
  channelId: string;
  channelName: string;
  keyId: string;
  status: number | null;
  code: string;
}

export interface UsageLog {
  requestId: string;
  startedAt: string;
  tenantId: string;
  tokenId: string;
  endpoint: string;
  model: string;
  upstreamModel: string | null;
  channelId: string | null;
  channelName: string | null;
  stream: boolean;
  promptTokens: number;
  cachedTokens: number;
  completionTokens: number;
  costUsd: string;
  latencyMs: number;
  ttftMs: number | null;
  status: number;
  errorCode: string | null;
  errorMessage: string | null;
  fallbacks: UsageAttempt[];
}

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
    queryFn: () => getUntyped<UsageSummary>('/api/usage/summary', query),
    placeholderData: keepPreviousData,
    retry: false,
  });
}

export function useUsageLogs(page: number, pageSize: number, filters: UsageFilters) {
  const query = { page, pageSize, ...filters };
  return useQuery({
    queryKey: queryKeys.usage.logs(query),
    queryFn: () => getUntyped<{ items: UsageLog[]; total: number }>('/api/usage/logs', query),
    placeholderData: keepPreviousData,
    retry: false,
  });
}

/** The CSV export of the same filters (the browser downloads it with the session cookie). */
export function usageCsvUrl(filters: UsageFilters): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) if (value) search.set(key, value);
  return `/api/usage/logs.csv?${search.toString()}`;
}
