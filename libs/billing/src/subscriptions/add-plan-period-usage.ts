// The worker's side of plan counters: adds a batch's usage to each tenant's plan period in the
// caller's transaction (the one that stores the usage records), so the record the relay's Redis
// counters are loaded from moves with the records and is never counted twice.
import type { EntityManager } from 'typeorm';
import { PlanPeriodUsage } from '../entities/plan-period-usage.entity';

export interface PlanPeriodDelta {
  tenantId: string;
  periodStart: Date;
  requests: bigint;
  inputTokens: bigint;
  outputTokens: bigint;
  spendNano: bigint;
  coveredNano: bigint;
}

/**
 * One statement for every period of the batch (issue #16: one round trip, not one per period). The
 * rows go in, and are locked, in the order of the SELECT: tenant, then period start, so two workers
 * adding to the same periods cannot deadlock. A key appears once (the caller sums per period).
 */
export async function addPlanPeriodUsage(
  manager: EntityManager,
  deltas: readonly PlanPeriodDelta[],
): Promise<void> {
  if (deltas.length === 0) return;
  const sorted = [...deltas].sort(
    (a, b) => a.tenantId.localeCompare(b.tenantId) || a.periodStart.getTime() - b.periodStart.getTime(),
  );
  const column = (value: (d: PlanPeriodDelta) => bigint) => sorted.map((d) => value(d).toString());
  await manager.query(
    `INSERT INTO plan_period_usage
       (tenant_id, period_start, requests, input_tokens, output_tokens, spend_nano, covered_nano)
     SELECT tenant_id, period_start, requests, input_tokens, output_tokens, spend_nano, covered_nano
       FROM unnest($1::uuid[], $2::timestamptz[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[],
                   $7::bigint[])
            WITH ORDINALITY
            AS d(tenant_id, period_start, requests, input_tokens, output_tokens, spend_nano, covered_nano, ord)
      ORDER BY ord
     ON CONFLICT (tenant_id, period_start) DO UPDATE SET
       requests = plan_period_usage.requests + EXCLUDED.requests,
       input_tokens = plan_period_usage.input_tokens + EXCLUDED.input_tokens,
       output_tokens = plan_period_usage.output_tokens + EXCLUDED.output_tokens,
       spend_nano = plan_period_usage.spend_nano + EXCLUDED.spend_nano,
       covered_nano = plan_period_usage.covered_nano + EXCLUDED.covered_nano,
       updated_at = now()`,
    [
      sorted.map((d) => d.tenantId),
      sorted.map((d) => d.periodStart.toISOString()),
      column((d) => d.requests),
      column((d) => d.inputTokens),
      column((d) => d.outputTokens),
      column((d) => d.spendNano),
      column((d) => d.coveredNano),
    ],
  );
}

/** A tenant's plan period usage as PostgreSQL has stored it, or null. */
export async function findPlanPeriodUsage(
  manager: EntityManager,
  tenantId: string,
  periodStart: Date,
): Promise<PlanPeriodUsage | null> {
  return manager.getRepository(PlanPeriodUsage).findOne({ where: { tenantId, periodStart } });
}
