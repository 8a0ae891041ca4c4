// Stores a batch of usage events in one transaction: the records, and for the ones not stored
// before, their money — one ledger debit per tenant (plus, for tenants on a plan, one line giving
// back what the plan's allowance covered), each token's used quota, and each plan period's counters.
// Because all of it is computed from the rows this very INSERT added, a redelivered or raced event
// is charged once. Requests charged less than their upstream reported (a hold is a ceiling: the
// excess is written off) get one audit entry per tenant and batch, in the same transaction, so a
// write-off is never stored without it and a re-sent event audits nothing again.
import { writeAuditEntry } from '@gateway/audit/domain';
import { addPlanPeriodUsage, appendUsageLines, type PlanPeriodDelta } from '@gateway/billing/domain';
import { nanoToUsd } from '@gateway/db';
import { addTokenUsage } from '@gateway/tokens/domain';
import type { DataSource } from 'typeorm';
import type { UsageEvent } from '../usage-event';
import { insertUsageRecords } from './insert-usage-records';

interface TenantSums {
  nano: bigint;
  covered: bigint;
  requests: number;
}

export async function storeUsageBatch(
  dataSource: DataSource,
  events: readonly UsageEvent[],
): Promise<number> {
  return dataSource.transaction(async (manager) => {
    const inserted = new Set(await insertUsageRecords(manager, events));
    const byTenant = new Map<string, TenantSums>();
    const byToken = new Map<string, bigint>();
    const byPeriod = new Map<string, PlanPeriodDelta>();
    const writeOffs = new Map<string, { requestIds: string[]; nano: bigint }>();
    for (const event of events) {
      if (!inserted.has(event.requestId)) continue;
      const writtenOff = BigInt(event.writtenOffNano ?? '0');
      if (writtenOff > 0n) {
        const tenant = writeOffs.get(event.tenantId) ?? { requestIds: [], nano: 0n };
        tenant.requestIds.push(event.requestId);
        tenant.nano += writtenOff;
        writeOffs.set(event.tenantId, tenant);
      }
      const cost = BigInt(event.costNano);
      // A request that used nothing moved no counter (the relay did not settle it against the plan).
      if (event.planPeriodStart !== null && event.usageSource !== 'none') addToPeriod(byPeriod, event, cost);
      if (cost <= 0n) continue;
      const tenant = byTenant.get(event.tenantId) ?? { nano: 0n, covered: 0n, requests: 0 };
      tenant.nano += cost;
      tenant.covered += BigInt(event.coveredNano);
      tenant.requests += 1;
      byTenant.set(event.tenantId, tenant);
      byToken.set(event.tokenId, (byToken.get(event.tokenId) ?? 0n) + cost);
    }
    // Every tenant's lines in one statement, balance rows locked in tenant order (appendUsageLines).
    await appendUsageLines(
      manager,
      [...byTenant].map(([tenantId, { nano, covered, requests }]) => ({
        tenantId,
        debitNano: nano,
        coveredNano: covered,
        requests,
      })),
    );
    await addTokenUsage(manager, byToken);
    await addPlanPeriodUsage(manager, [...byPeriod.values()]);
    for (const tenantId of [...writeOffs.keys()].sort()) {
      const { requestIds, nano } = writeOffs.get(tenantId) as { requestIds: string[]; nano: bigint };
      // docs/design.md "Money", a hold is a ceiling: what the upstream reported beyond the hold.
      await writeAuditEntry(manager, {
        actor: null,
        tenantId,
        action: 'create',
        entityType: 'usage_write_off',
        entityId: (requestIds[0] as string).slice(0, 64),
        after: { requests: requestIds.length, requestIds, writtenOffUsd: nanoToUsd(nano) },
      });
    }
    return inserted.size;
  });
}

/** A request counts toward its plan period as the relay counted it when settling (RequestSettlement). */
function addToPeriod(byPeriod: Map<string, PlanPeriodDelta>, event: UsageEvent, cost: bigint): void {
  const key = `${event.tenantId}|${event.planPeriodStart}`;
  const delta = byPeriod.get(key) ?? {
    tenantId: event.tenantId,
    periodStart: new Date(event.planPeriodStart as string),
    requests: 0n,
    inputTokens: 0n,
    outputTokens: 0n,
    spendNano: 0n,
    coveredNano: 0n,
  };
  delta.requests += 1n;
  delta.inputTokens += BigInt(event.promptTokens);
  delta.outputTokens += BigInt(event.completionTokens);
  delta.spendNano += cost;
  delta.coveredNano += BigInt(event.coveredNano);
  byPeriod.set(key, delta);
}
