// Retention of raw usage records: deletes records older than the configured days, in bounded
// batches, only from hours already rolled up (no pending mark), and adds what it deleted to
// usage_retired (same statement) so the reconciliation's all-time sums keep agreeing with the ledger.
import type { DataSource } from 'typeorm';
import { tryLock } from './roll-up-usage';

/**
 * The shortest retention accepted: invoices and the monthly plan periods sum raw records of their
 * period, which may be re-generated for the past year; 400 days keeps 13 full months.
 */
export const MIN_USAGE_RETENTION_DAYS = 400;

export interface PruneReport {
  deleted: number;
  /** Records older than the cutoff are gone (or waiting for their hour's rollup). */
  cutoff: string | null;
  /** Another rollup or prune held the lock at some point; the rest waits for the next run. */
  skipped: boolean;
}

const DAY_MS = 86_400_000;

/** The cutoff for `retentionDays` (on the hour, UTC), or null when retention is off (0). */
export function retentionCutoff(retentionDays: number, now: Date = new Date()): Date | null {
  if (retentionDays <= 0) return null;
  const cutoff = new Date(now.getTime() - retentionDays * DAY_MS);
  cutoff.setUTCMinutes(0, 0, 0);
  return cutoff;
}

export async function pruneUsageRecords(
  dataSource: DataSource,
  options: { retentionDays: number; now?: Date; batchSize?: number; maxBatches?: number },
): Promise<PruneReport> {
  const cutoff = retentionCutoff(options.retentionDays, options.now);
  if (cutoff === null) return { deleted: 0, cutoff: null, skipped: false };
  if (options.retentionDays < MIN_USAGE_RETENTION_DAYS) {
    throw new RangeError(`retention must be at least ${MIN_USAGE_RETENTION_DAYS} days`);
  }
  const batchSize = options.batchSize ?? 5_000;
  let deleted = 0;
  for (let batch = 0; batch < (options.maxBatches ?? 200); batch++) {
    const result = await dataSource.transaction(async (tx) => {
      // Never at the same time as a rollup: the "no pending mark" test must not race a recompute.
      if (!(await tryLock(tx))) return null;
      const [row]: { deleted: string }[] = await tx.query(
        `WITH doomed AS (
           SELECT r.id FROM usage_records r
           WHERE r.started_at < $1
             AND NOT EXISTS (
               SELECT 1 FROM usage_rollup_pending p
               WHERE p.hour = date_trunc('hour', r.started_at, 'UTC'))
           ORDER BY r.started_at
           LIMIT $2
         ), gone AS (
           DELETE FROM usage_records r USING doomed WHERE r.id = doomed.id
           RETURNING r.tenant_id, r.token_id, r.cost_nano, r.covered_nano
         ), tally AS (
           INSERT INTO usage_retired (tenant_id, token_id, requests, cost_nano, covered_nano)
           SELECT tenant_id, token_id, count(*), sum(cost_nano), sum(covered_nano)
           FROM gone GROUP BY tenant_id, token_id
           ON CONFLICT (tenant_id, token_id) DO UPDATE SET
             requests = usage_retired.requests + excluded.requests,
             cost_nano = usage_retired.cost_nano + excluded.cost_nano,
             covered_nano = usage_retired.covered_nano + excluded.covered_nano
         )
         SELECT count(*)::text AS deleted FROM gone`,
        [cutoff, batchSize],
      );
      return Number(row?.deleted ?? 0);
    });
    if (result === null) return { deleted, cutoff: cutoff.toISOString(), skipped: true };
    deleted += result;
    if (result < batchSize) break;
  }
  return { deleted, cutoff: cutoff.toISOString(), skipped: false };
}
