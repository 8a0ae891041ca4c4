// Builds the usage rollups from usage_records. Exact and idempotent by construction:
//  - every INSERT into usage_records marks the UTC hours it touched (a trigger, same transaction),
//  - a run takes the marks, recomputes each marked hour entirely from the raw rows (delete + insert),
//    re-merges the days those hours belong to from their hours, and deletes exactly the marks it read,
//    all in one transaction.
// A record committed while a run is going either had its mark read (then its rows were visible to the
// recompute, which reads later) or keeps its mark for the next run; nothing depends on clocks or on
// the order in which concurrent ingest transactions commit. Runs are serialized by an advisory lock,
// so two workers never interleave (the second one skips and leaves the marks to the next run).
import type { DataSource, EntityManager } from 'typeorm';

/** pg_advisory_xact_lock key of rollups and retention ("usage-rollup" as a number). */
export const USAGE_ROLLUP_LOCK = 7_584_015_338_116_001;

export interface RollupOptions {
  /** Hours recomputed per run at most (the oldest first); the rest stay marked for the next run. */
  maxHours?: number;
  /**
   * Hours before this are frozen: their raw records may already be deleted by retention, so
   * recomputing them from raw rows would lose data. Their marks are kept and reported.
   */
  frozenBefore?: Date;
}

export interface RollupReport {
  /** Another run held the lock; nothing was done. */
  skipped: boolean;
  hours: string[];
  days: string[];
  marks: number;
  /** Marked hours older than `frozenBefore`, left alone. */
  frozen: string[];
}

const MEASURES = `requests, errors, prompt_tokens, cached_tokens, completion_tokens, reasoning_tokens,
  cost_nano, latency_sum_ms, ttft_count, ttft_sum_ms, latency_p50_ms, latency_p95_ms, ttft_p50_ms,
  ttft_p95_ms, latency_values, latency_counts, ttft_values, ttft_counts`;

const DIMENSIONS = 'tenant_id, token_id, model, channel_id, status, failed';

/** A sorted histogram (values, counts) of the integers in `source` (an int[] expression). */
const histogramOf = (source: string) => `(
  SELECT coalesce(array_agg(v ORDER BY v), '{}'::int[]) AS vs, coalesce(array_agg(c ORDER BY v), '{}'::int[]) AS cs
  FROM (SELECT v, count(*)::int AS c FROM unnest(${source}) AS v GROUP BY v) AS hist
)`;

const HOURS_FROM_RAW = `
  INSERT INTO usage_rollup_hourly (hour, ${DIMENSIONS}, ${MEASURES})
  SELECT g.hour, g.tenant_id, g.token_id, g.model, g.channel_id, g.status, g.failed,
    g.requests, CASE WHEN g.failed THEN g.requests ELSE 0 END, g.prompt_tokens, g.cached_tokens,
    g.completion_tokens, g.reasoning_tokens, g.cost_nano, g.latency_sum_ms, g.ttft_count, g.ttft_sum_ms,
    g.latency_p50_ms, g.latency_p95_ms, g.ttft_p50_ms, g.ttft_p95_ms, l.vs, l.cs, t.vs, t.cs
  FROM (
    SELECT h.hour, r.tenant_id, r.token_id, r.model, r.channel_id, r.status,
      (r.status >= 400 OR r.error_code IS NOT NULL) AS failed,
      count(*)::int AS requests,
      sum(r.prompt_tokens) AS prompt_tokens,
      sum(r.cached_tokens) AS cached_tokens,
      sum(r.completion_tokens) AS completion_tokens,
      sum(r.reasoning_tokens) AS reasoning_tokens,
      sum(r.cost_nano) AS cost_nano,
      sum(r.latency_ms) AS latency_sum_ms,
      count(r.ttft_ms)::int AS ttft_count,
      coalesce(sum(r.ttft_ms), 0) AS ttft_sum_ms,
      percentile_cont(0.5) WITHIN GROUP (ORDER BY r.latency_ms) AS latency_p50_ms,
      percentile_cont(0.95) WITHIN GROUP (ORDER BY r.latency_ms) AS latency_p95_ms,
      percentile_cont(0.5) WITHIN GROUP (ORDER BY r.ttft_ms) AS ttft_p50_ms,
      percentile_cont(0.95) WITHIN GROUP (ORDER BY r.ttft_ms) AS ttft_p95_ms,
      array_agg(r.latency_ms) AS latencies,
      array_agg(r.ttft_ms) FILTER (WHERE r.ttft_ms IS NOT NULL) AS ttfts
    FROM unnest($1::timestamptz[]) AS h(hour)
    JOIN usage_records r ON r.started_at >= h.hour AND r.started_at < h.hour + interval '1 hour'
    GROUP BY h.hour, r.tenant_id, r.token_id, r.model, r.channel_id, r.status,
      (r.status >= 400 OR r.error_code IS NOT NULL)
  ) AS g
  CROSS JOIN LATERAL ${histogramOf('g.latencies')} AS l
  CROSS JOIN LATERAL ${histogramOf('g.ttfts')} AS t`;

/** Merges a histogram column of the hourly rows `g.ids`. */
const mergedHistogram = (values: string, counts: string) => `(
  SELECT coalesce(array_agg(v ORDER BY v), '{}'::int[]) AS vs, coalesce(array_agg(c ORDER BY v), '{}'::int[]) AS cs
  FROM (
    SELECT u.v, sum(u.c)::int AS c
    FROM usage_rollup_hourly x, unnest(x.${values}, x.${counts}) AS u(v, c)
    WHERE x.id = ANY(g.ids)
    GROUP BY u.v
  ) AS hist
)`;

const DAYS_FROM_HOURS = `
  INSERT INTO usage_rollup_daily (day, ${DIMENSIONS}, ${MEASURES})
  SELECT g.day, g.tenant_id, g.token_id, g.model, g.channel_id, g.status, g.failed,
    g.requests, g.errors, g.prompt_tokens, g.cached_tokens, g.completion_tokens, g.reasoning_tokens,
    g.cost_nano, g.latency_sum_ms, g.ttft_count, g.ttft_sum_ms,
    usage_percentile(l.vs, l.cs::bigint[], 0.5), usage_percentile(l.vs, l.cs::bigint[], 0.95),
    usage_percentile(t.vs, t.cs::bigint[], 0.5), usage_percentile(t.vs, t.cs::bigint[], 0.95),
    l.vs, l.cs, t.vs, t.cs
  FROM (
    SELECT d.day, h.tenant_id, h.token_id, h.model, h.channel_id, h.status, h.failed,
      sum(h.requests)::int AS requests,
      sum(h.errors)::int AS errors,
      sum(h.prompt_tokens) AS prompt_tokens,
      sum(h.cached_tokens) AS cached_tokens,
      sum(h.completion_tokens) AS completion_tokens,
      sum(h.reasoning_tokens) AS reasoning_tokens,
      sum(h.cost_nano) AS cost_nano,
      sum(h.latency_sum_ms) AS latency_sum_ms,
      sum(h.ttft_count)::int AS ttft_count,
      sum(h.ttft_sum_ms) AS ttft_sum_ms,
      array_agg(h.id) AS ids
    FROM unnest($1::date[]) AS d(day)
    JOIN usage_rollup_hourly h
      ON h.hour >= d.day::timestamp AT TIME ZONE 'UTC'
     AND h.hour < (d.day + 1)::timestamp AT TIME ZONE 'UTC'
    GROUP BY d.day, h.tenant_id, h.token_id, h.model, h.channel_id, h.status, h.failed
  ) AS g
  CROSS JOIN LATERAL ${mergedHistogram('latency_values', 'latency_counts')} AS l
  CROSS JOIN LATERAL ${mergedHistogram('ttft_values', 'ttft_counts')} AS t`;

/** One run: recomputes the marked hours (oldest first, at most `maxHours`) and their days. */
export async function rollUpUsage(
  dataSource: DataSource,
  options: RollupOptions = {},
): Promise<RollupReport> {
  const maxHours = options.maxHours ?? 168;
  return dataSource.transaction(async (tx) => {
    const report: RollupReport = { skipped: false, hours: [], days: [], marks: 0, frozen: [] };
    if (!(await tryLock(tx))) return { ...report, skipped: true };
    const frozenBefore = options.frozenBefore ?? null;
    if (frozenBefore) {
      const frozen: { hour: string }[] = await tx.query(
        `SELECT DISTINCT to_char(hour AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24":00:00Z"') AS hour
         FROM usage_rollup_pending WHERE hour < $1 ORDER BY 1`,
        [frozenBefore],
      );
      report.frozen = frozen.map((row) => row.hour);
    }
    const marked: { hour: Date; day: string; ids: string[] }[] = await tx.query(
      `SELECT hour, to_char(hour AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, array_agg(id)::text[] AS ids
       FROM usage_rollup_pending
       WHERE $2::timestamptz IS NULL OR hour >= $2
       GROUP BY hour ORDER BY hour LIMIT $1`,
      [maxHours, frozenBefore],
    );
    if (marked.length === 0) return report;
    // Hours go back to PostgreSQL as the Dates it gave, days as it formatted them (no JS round trip
    // through toISOString, which writes years past 9999 in a form PostgreSQL refuses).
    const hourValues = marked.map((row) => row.hour);
    const hours = hourValues.map((hour) => hour.toISOString());
    const days = [...new Set(marked.map((row) => row.day))];
    await tx.query(`DELETE FROM usage_rollup_hourly WHERE hour = ANY($1::timestamptz[])`, [hourValues]);
    await tx.query(HOURS_FROM_RAW, [hourValues]);
    await tx.query(`DELETE FROM usage_rollup_daily WHERE day = ANY($1::date[])`, [days]);
    await tx.query(DAYS_FROM_HOURS, [days]);
    const ids = marked.flatMap((row) => row.ids);
    await tx.query(`DELETE FROM usage_rollup_pending WHERE id = ANY($1::bigint[])`, [ids]);
    return { ...report, hours, days, marks: ids.length };
  });
}

/** Rolls up until no mark is left (or `maxRuns`); what tests and a catching-up worker want. */
export async function rollUpAllUsage(
  dataSource: DataSource,
  options: RollupOptions & { maxRuns?: number } = {},
): Promise<{ hours: number; runs: number }> {
  let hours = 0;
  for (let runs = 1; runs <= (options.maxRuns ?? 1_000); runs++) {
    const report = await rollUpUsage(dataSource, options);
    hours += report.hours.length;
    if (report.skipped || report.hours.length < (options.maxHours ?? 168)) return { hours, runs };
  }
  return { hours, runs: options.maxRuns ?? 1_000 };
}

export async function tryLock(tx: EntityManager): Promise<boolean> {
  const [row]: { locked: boolean }[] = await tx.query(`SELECT pg_try_advisory_xact_lock($1) AS locked`, [
    USAGE_ROLLUP_LOCK,
  ]);
  return row?.locked === true;
}
