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

export async function addPlanPeriodUsage(
  manager: EntityManager,
  deltas: readonly PlanPeriodDelta[],
): Promise<void> {
  // A stable order, so two workers adding to the same periods cannot deadlock.
  const sorted = [...deltas].sort(
    (a, b) => a.tenantId.localeCompare(b.tenantId) || a.periodStart.getTime() - b.periodStart.getTime(),
  );
  for (const d of sorted) {
    await manager.query(
      `INSERT INTO plan_period_usage
         (tenant_id, period_start, requests, input_tokens, output_tokens, spend_nano, covered_nano)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (tenant_id, period_start) DO UPDATE SET
         requests = plan_period_usage.requests + EXCLUDED.requests,
         input_tokens = plan_period_usage.input_tokens + EXCLUDED.input_tokens,
         output_tokens = plan_period_usage.output_tokens + EXCLUDED.output_tokens,
         spend_nano = plan_period_usage.spend_nano + EXCLUDED.spend_nano,
         covered_nano = plan_period_usage.covered_nano + EXCLUDED.covered_nano,
         updated_at = now()`,
      [
        d.tenantId,
        d.periodStart,
        d.requests.toString(),
        d.inputTokens.toString(),
        d.outputTokens.toString(),
        d.spendNano.toString(),
        d.coveredNano.toString(),
      ],
    );
  }
}

/** A tenant's plan period usage as PostgreSQL has stored it, or null. */
export async function findPlanPeriodUsage(
  manager: EntityManager,
  tenantId: string,
  periodStart: Date,
): Promise<PlanPeriodUsage | null> {
  return manager.getRepository(PlanPeriodUsage).findOne({ where: { tenantId, periodStart } });
}
