// GET /api/usage/summary from the rollups, with the same numbers the raw records give.
//
// The range [from, to) is tiled, inside one REPEATABLE READ snapshot:
//  - partial hours at the edges (from/to not on the hour) and hours with a pending mark (records not
//    rolled up yet, e.g. the current hour) are read from usage_records;
//  - whole UTC days inside the range with no pending hour are read from usage_rollup_daily
//    (not when grouping by hour);
//  - the other whole hours from usage_rollup_hourly.
// Every hour without a mark has a rollup computed from exactly the records visible in the snapshot
// (see rollup/roll-up-usage.ts), so sums and counts are equal; latency and TTFT percentiles are
// computed from the merged histograms with percentile_cont's own arithmetic (see pct below).
import type { EntityManager } from 'typeorm';
import type { UsageGroupBy } from '../dto/usage-summary.query';
import { FAILED, UsageFilter } from './usage-filter';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

const HOUR_FORMAT = `'YYYY-MM-DD"T"HH24":00:00Z"'`;
const DAY_FORMAT = `'YYYY-MM-DD'`;

/** One summary's numbers, as both the rollups and the raw records answer them. */
export interface AggregateRow {
  requests: string;
  errors: string;
  prompt_tokens: string;
  cached_tokens: string;
  completion_tokens: string;
  cost_nano: string;
  avg_latency_ms: number | null;
  p50_latency_ms: number | null;
  p95_latency_ms: number | null;
  avg_ttft_ms: number | null;
}

/** One group of a summary; key null: the totals, or the group of a null channel. */
export interface SummaryRow extends AggregateRow {
  key: string | null;
}

/** Which table each part of the range comes from (exported for tests and for EXPLAIN). */
export interface SummaryPlan {
  /** Raw ranges [from, to) read from usage_records, besides the pending hours. */
  rawEdges: [Date, Date][];
  /** Hours with a pending mark inside the rolled-up range. */
  pendingHours: Date[];
  /** Whole hours [fromHour, toHour) (null: unbounded) served by rollups. */
  fromHour: Date | null;
  toHour: Date | null;
  /** Whole days [fromDay, toDay) (UTC dates) served by the daily rollup; null when none. */
  fromDay: string | null;
  toDay: string | null;
  useDays: boolean;
  /** No whole hour in the range: everything is raw. */
  rawOnly: boolean;
}

const ceilTo = (date: Date, ms: number) => new Date(Math.ceil(date.getTime() / ms) * ms);
const floorTo = (date: Date, ms: number) => new Date(Math.floor(date.getTime() / ms) * ms);
/** YYYY-MM-DD in UTC (not toISOString: past year 9999 it writes +010000). */
const dayOf = (date: Date) =>
  `${String(date.getUTCFullYear()).padStart(4, '0')}-${String(date.getUTCMonth() + 1).padStart(2, '0')}-` +
  String(date.getUTCDate()).padStart(2, '0');

/** Splits [from, to) before the pending hours are known. */
export function planRange(
  from: Date | undefined,
  to: Date | undefined,
  groupBy: UsageGroupBy | null,
): Omit<SummaryPlan, 'pendingHours'> {
  const fromHour = from ? ceilTo(from, HOUR_MS) : null;
  const toHour = to ? floorTo(to, HOUR_MS) : null;
  if (from && to && fromHour && toHour && fromHour >= toHour) {
    return {
      rawEdges: [[from, to]],
      fromHour: null,
      toHour: null,
      fromDay: null,
      toDay: null,
      useDays: false,
      rawOnly: true,
    };
  }
  const rawEdges: [Date, Date][] = [];
  if (from && fromHour && from < fromHour) rawEdges.push([from, fromHour]);
  if (to && toHour && toHour < to) rawEdges.push([toHour, to]);
  const fromDayStart = fromHour ? ceilTo(fromHour, DAY_MS) : null;
  const toDayStart = toHour ? floorTo(toHour, DAY_MS) : null;
  const useDays =
    groupBy !== 'hour' && !(fromDayStart && toDayStart && fromDayStart.getTime() >= toDayStart.getTime());
  return {
    rawEdges,
    fromHour,
    toHour,
    fromDay: useDays && fromDayStart ? dayOf(fromDayStart) : null,
    toDay: useDays && toDayStart ? dayOf(toDayStart) : null,
    useDays,
    rawOnly: false,
  };
}

class Params {
  readonly values: unknown[] = [];
  add(value: unknown, cast = ''): string {
    this.values.push(value);
    return `$${this.values.length}${cast}`;
  }
}

/** The caller's scope and filters over a table aliased `x` (raw: FAILED over `r`). */
function dimensionFilters(alias: 'r' | 'x', filter: UsageFilter, params: Params): string[] {
  const where: string[] = [];
  if (filter.tenantId !== undefined)
    where.push(`${alias}.tenant_id = ${params.add(filter.tenantId, '::uuid')}`);
  if (filter.tokenIds !== undefined)
    where.push(`${alias}.token_id = ANY(${params.add(filter.tokenIds, '::uuid[]')})`);
  if (filter.tokenId !== undefined) where.push(`${alias}.token_id = ${params.add(filter.tokenId, '::uuid')}`);
  if (filter.channelId !== undefined)
    where.push(`${alias}.channel_id = ${params.add(filter.channelId, '::uuid')}`);
  if (filter.model !== undefined) where.push(`${alias}.model = ${params.add(filter.model)}`);
  const failed = alias === 'r' ? FAILED : 'x.failed';
  if (filter.status === 'error') where.push(failed);
  else if (filter.status === 'success') where.push(`NOT ${failed}`);
  else if (filter.status !== undefined) where.push(`${alias}.status = ${params.add(filter.status)}`);
  return where;
}

/** The group key over each source; null groupBy: one group (the totals). */
function keyOf(groupBy: UsageGroupBy | null, source: 'raw' | 'hourly' | 'daily'): string {
  const alias = source === 'raw' ? 'r' : 'x';
  switch (groupBy) {
    case null:
      return `NULL::text`;
    case 'model':
      return `${alias}.model::text`;
    case 'channel':
      return `${alias}.channel_id::text`;
    case 'tenant':
      return `${alias}.tenant_id::text`;
    case 'token':
      return `${alias}.token_id::text`;
    case 'hour':
      if (source === 'daily') throw new Error('hours are never read from days');
      return `to_char(${source === 'raw' ? 'r.started_at' : 'x.hour'} AT TIME ZONE 'UTC', ${HOUR_FORMAT})`;
    case 'day':
      if (source === 'daily') return `to_char(x.day, ${DAY_FORMAT})`;
      return `to_char(${source === 'raw' ? 'r.started_at' : 'x.hour'} AT TIME ZONE 'UTC', ${DAY_FORMAT})`;
  }
}

const and = (parts: string[]) => (parts.length === 0 ? 'TRUE' : parts.join(' AND '));

/** Sums of one rollup table (CTE `src`), one row per rollup row. */
const rollupSums = (src: string) => `
  SELECT key, requests::bigint, errors::bigint, prompt_tokens, cached_tokens, completion_tokens, cost_nano,
    latency_sum_ms, ttft_count::bigint, ttft_sum_ms FROM ${src}`;

/** The latency histogram entries of one rollup table (CTE `src`). */
const rollupLatencies = (src: string) => `
  SELECT key, u.v, u.c::bigint FROM ${src}, unnest(${src}.latency_values, ${src}.latency_counts) AS u(v, c)`;

/** The SQL of one summary (grouped, or totals when groupBy is null) over the given plan. */
export function summarySql(
  plan: SummaryPlan,
  filter: UsageFilter,
  groupBy: UsageGroupBy | null,
): { sql: string; params: unknown[] } {
  const params = new Params();
  const ctes: string[] = [];
  const sums: string[] = [];
  const latencies: string[] = [];

  // Raw: the edges and the pending hours.
  const rawTime: string[] = plan.rawEdges.map(
    ([a, b]) =>
      `(r.started_at >= ${params.add(a, '::timestamptz')} AND r.started_at < ${params.add(b, '::timestamptz')})`,
  );
  if (plan.pendingHours.length > 0) {
    const first = plan.pendingHours[0] as Date;
    const last = plan.pendingHours[plan.pendingHours.length - 1] as Date;
    rawTime.push(
      `(r.started_at >= ${params.add(first, '::timestamptz')}` +
        ` AND r.started_at < ${params.add(new Date(last.getTime() + HOUR_MS), '::timestamptz')}` +
        ` AND date_trunc('hour', r.started_at, 'UTC') = ANY(${params.add(plan.pendingHours, '::timestamptz[]')}))`,
    );
  }
  if (rawTime.length > 0) {
    const where = and([`(${rawTime.join(' OR ')})`, ...dimensionFilters('r', filter, params)]);
    ctes.push(`raw AS MATERIALIZED (
      SELECT ${keyOf(groupBy, 'raw')} AS key, (${FAILED}) AS failed, r.prompt_tokens, r.cached_tokens,
        r.completion_tokens, r.cost_nano, r.latency_ms, r.ttft_ms
      FROM usage_records r WHERE ${where})`);
    sums.push(`
      SELECT key, count(*), count(*) FILTER (WHERE failed), sum(prompt_tokens)::bigint,
        sum(cached_tokens)::bigint, sum(completion_tokens)::bigint, sum(cost_nano)::bigint,
        sum(latency_ms)::bigint, count(ttft_ms), coalesce(sum(ttft_ms), 0)::bigint
      FROM raw GROUP BY key`);
    latencies.push(`SELECT key, latency_ms, count(*) FROM raw GROUP BY key, latency_ms`);
  }

  if (!plan.rawOnly) {
    const dims = () => dimensionFilters('x', filter, params);
    // Whole days.
    let notCovered: string | null = null;
    if (plan.useDays) {
      const pendingDays = [...new Set(plan.pendingHours.map(dayOf))];
      const dayWhere = dims();
      // The hours the days do not cover, as index-friendly ranges: before the first whole day,
      // from the end of the last one, and the days that have a pending hour.
      const outside: string[] = [];
      if (plan.fromDay !== null) {
        const p = params.add(plan.fromDay, '::date');
        dayWhere.push(`x.day >= ${p}`);
        outside.push(`x.hour < ${p}::timestamp AT TIME ZONE 'UTC'`);
      }
      if (plan.toDay !== null) {
        const p = params.add(plan.toDay, '::date');
        dayWhere.push(`x.day < ${p}`);
        outside.push(`x.hour >= ${p}::timestamp AT TIME ZONE 'UTC'`);
      }
      if (pendingDays.length > 0) {
        const p = params.add(pendingDays, '::date[]');
        dayWhere.push(`x.day <> ALL(${p})`);
        const first = params.add(pendingDays[0], '::date');
        const last = params.add(pendingDays[pendingDays.length - 1], '::date');
        outside.push(
          `(x.hour >= ${first}::timestamp AT TIME ZONE 'UTC' AND x.hour < (${last} + 1)::timestamp AT TIME ZONE 'UTC'` +
            ` AND (x.hour AT TIME ZONE 'UTC')::date = ANY(${p}))`,
        );
      }
      notCovered = outside.length === 0 ? 'FALSE' : `(${outside.join(' OR ')})`;
      ctes.push(`daily AS MATERIALIZED (
        SELECT ${keyOf(groupBy, 'daily')} AS key, x.* FROM usage_rollup_daily x WHERE ${and(dayWhere)})`);
      sums.push(rollupSums('daily'));
      latencies.push(rollupLatencies('daily'));
    }
    // Whole hours not covered by those days, and not pending.
    const hourWhere = dims();
    if (plan.fromHour) hourWhere.push(`x.hour >= ${params.add(plan.fromHour, '::timestamptz')}`);
    if (plan.toHour) hourWhere.push(`x.hour < ${params.add(plan.toHour, '::timestamptz')}`);
    if (plan.pendingHours.length > 0) {
      hourWhere.push(`x.hour <> ALL(${params.add(plan.pendingHours, '::timestamptz[]')})`);
    }
    if (notCovered !== null) hourWhere.push(notCovered);
    ctes.push(`hourly AS MATERIALIZED (
      SELECT ${keyOf(groupBy, 'hourly')} AS key, x.* FROM usage_rollup_hourly x WHERE ${and(hourWhere)})`);
    sums.push(rollupSums('hourly'));
    latencies.push(rollupLatencies('hourly'));
  }

  const byTime = groupBy === 'hour' || groupBy === 'day';
  const order =
    groupBy === null
      ? ''
      : byTime
        ? 'ORDER BY s.key ASC'
        : 'ORDER BY s.cost_nano DESC, s.requests DESC, s.key ASC NULLS LAST';
  // percentile_cont(p) from the merged histogram, in its own arithmetic: rank p × (n − 1) in float8,
  // the values at its floor and ceiling (the first v whose running count passes them), interpolated.
  const rank = (p: number) => `(${p}::float8 * (n - 1))`;
  const bounds = (name: string, p: number) => `
        min(v) FILTER (WHERE upto > floor${rank(p)}) AS ${name}_lo,
        min(v) FILTER (WHERE upto > ceil${rank(p)}) AS ${name}_hi`;
  const pct = (name: string, p: number) =>
    `round((h.${name}_lo::float8 + ((${p}::float8 * (h.n - 1) - floor(${p}::float8 * (h.n - 1))) ` +
    `* (h.${name}_hi::float8 - h.${name}_lo::float8)))::numeric, 1)::float8`;
  // Histograms are merged per key (a value's counts summed) and walked once with window sums.
  // Keys are never '' except a null channel/totals, so coalesce(key, '') joins null to null only.
  const sql = `
    WITH ${ctes.join(',\n')},
    sum_parts (key, requests, errors, prompt_tokens, cached_tokens, completion_tokens, cost_nano,
               latency_sum_ms, ttft_count, ttft_sum_ms) AS (${sums.join('\nUNION ALL\n')}),
    latency_parts (key, v, c) AS (${latencies.join('\nUNION ALL\n')}),
    s AS (
      SELECT key, sum(requests) AS requests, sum(errors) AS errors, sum(prompt_tokens) AS prompt_tokens,
        sum(cached_tokens) AS cached_tokens, sum(completion_tokens) AS completion_tokens,
        sum(cost_nano) AS cost_nano, sum(latency_sum_ms) AS latency_sum_ms, sum(ttft_count) AS ttft_count,
        sum(ttft_sum_ms) AS ttft_sum_ms
      FROM sum_parts GROUP BY key HAVING sum(requests) > 0),
    merged AS (SELECT key, v, sum(c) AS c FROM latency_parts GROUP BY key, v),
    running AS (
      SELECT key, v, (sum(c) OVER (PARTITION BY key ORDER BY v))::float8 AS upto,
        (sum(c) OVER (PARTITION BY key))::float8 AS n
      FROM merged),
    h AS (
      SELECT key, max(n) AS n, ${bounds('p50', 0.5)}, ${bounds('p95', 0.95)}
      FROM running GROUP BY key)
    SELECT s.key,
      s.requests::text AS requests,
      s.errors::text AS errors,
      s.prompt_tokens::text AS prompt_tokens,
      s.cached_tokens::text AS cached_tokens,
      s.completion_tokens::text AS completion_tokens,
      s.cost_nano::text AS cost_nano,
      round(s.latency_sum_ms / s.requests, 1)::float8 AS avg_latency_ms,
      ${pct('p50', 0.5)} AS p50_latency_ms,
      ${pct('p95', 0.95)} AS p95_latency_ms,
      CASE WHEN s.ttft_count > 0 THEN round(s.ttft_sum_ms / s.ttft_count, 1)::float8 END AS avg_ttft_ms
    FROM s LEFT JOIN h ON coalesce(h.key, '') = coalesce(s.key, '')
    ${order}`;
  return { sql, params: params.values };
}

/** Reads the pending hours and runs the grouped and totals queries in one snapshot. */
export async function rollupSummary(
  manager: EntityManager,
  filter: UsageFilter,
  groupBy: UsageGroupBy,
): Promise<{ groups: SummaryRow[]; totals: SummaryRow | undefined; plan: SummaryPlan }> {
  return manager.transaction('REPEATABLE READ', async (tx) => {
    await tx.query('SET TRANSACTION READ ONLY');
    const plan = await planFor(tx, filter, groupBy);
    const totalsPlan = await planFor(tx, filter, null);
    const grouped = summarySql(plan, filter, groupBy);
    const total = summarySql(totalsPlan, filter, null);
    const groups: SummaryRow[] = await tx.query(grouped.sql, grouped.params);
    const [totals]: SummaryRow[] = await tx.query(total.sql, total.params);
    return { groups, totals, plan };
  });
}

/** The plan of one query, with the hours still pending in its rolled-up range. */
export async function planFor(
  tx: EntityManager,
  filter: UsageFilter,
  groupBy: UsageGroupBy | null,
): Promise<SummaryPlan> {
  const range = planRange(filter.from, filter.to, groupBy);
  if (range.rawOnly) return { ...range, pendingHours: [] };
  const rows: { hour: Date }[] = await tx.query(
    `SELECT DISTINCT hour FROM usage_rollup_pending
     WHERE ($1::timestamptz IS NULL OR hour >= $1) AND ($2::timestamptz IS NULL OR hour < $2)
     ORDER BY hour`,
    [range.fromHour, range.toHour],
  );
  return { ...range, pendingHours: rows.map((row) => row.hour) };
}
