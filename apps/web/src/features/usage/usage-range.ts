// The dashboard's time ranges and the buckets of its time series (UTC hours or days, as the api
// groups them), so empty hours show as zero instead of a line jumping across the gap.
import type { UsageGroupBy, UsageSummaryItem, UsageTotals } from './api/usage-api';

export const RANGES = ['24h', '7d', '30d'] as const;
export type RangeId = (typeof RANGES)[number];

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface RangeWindow {
  from: string;
  to: string;
  bucket: Extract<UsageGroupBy, 'hour' | 'day'>;
  /** bucket keys in order, as the api writes them */
  keys: string[];
}

export function rangeWindow(range: RangeId, now = new Date()): RangeWindow {
  if (range === '24h') {
    const end = Math.floor(now.getTime() / HOUR) * HOUR + HOUR; // end of the current hour
    const start = end - 24 * HOUR;
    const keys = Array.from({ length: 24 }, (_, i) =>
      new Date(start + i * HOUR).toISOString().replace('.000Z', 'Z'),
    );
    return { from: new Date(start).toISOString(), to: new Date(end).toISOString(), bucket: 'hour', keys };
  }
  const days = range === '7d' ? 7 : 30;
  const end = Math.floor(now.getTime() / DAY) * DAY + DAY; // end of today (UTC)
  const start = end - days * DAY;
  const keys = Array.from({ length: days }, (_, i) => new Date(start + i * DAY).toISOString().slice(0, 10));
  return { from: new Date(start).toISOString(), to: new Date(end).toISOString(), bucket: 'day', keys };
}

const ZERO: UsageTotals = {
  requests: 0,
  errors: 0,
  promptTokens: 0,
  cachedTokens: 0,
  completionTokens: 0,
  costUsd: '0',
  avgLatencyMs: null,
  p50LatencyMs: null,
  p95LatencyMs: null,
  avgTtftMs: null,
};

/** Normalises "2025-01-31T13:00:00.000Z" and "2025-01-31T13:00:00Z" alike. */
function bucketKey(key: string, bucket: RangeWindow['bucket']): string {
  if (bucket === 'day') return key.slice(0, 10);
  const time = Date.parse(key);
  return Number.isNaN(time) ? key : new Date(time).toISOString().replace('.000Z', 'Z');
}

/** One row per bucket of the window, zeros where the api had no row. */
export function fillSeries(
  window: RangeWindow,
  items: UsageSummaryItem[],
): (UsageSummaryItem & { key: string })[] {
  const byKey = new Map(
    items.filter((item) => item.key).map((item) => [bucketKey(item.key as string, window.bucket), item]),
  );
  return window.keys.map((key) => ({ ...ZERO, label: null, ...byKey.get(key), key }));
}
