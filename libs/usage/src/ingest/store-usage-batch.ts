// Stores a batch of usage events in one transaction: the records, and for the ones not stored
// before, their money — one ledger debit per tenant and each token's used quota. Because the debits
// are computed from the rows this very INSERT added, a redelivered or raced event is charged once.
import { appendLedgerLine } from '@gateway/billing';
import { addTokenUsage } from '@gateway/tokens';
import type { DataSource } from 'typeorm';
import type { UsageEvent } from '../usage-event';
import { insertUsageRecords } from './insert-usage-records';

export async function storeUsageBatch(
  dataSource: DataSource,
  events: readonly UsageEvent[],
): Promise<number> {
  return dataSource.transaction(async (manager) => {
    const inserted = new Set(await insertUsageRecords(manager, events));
    const byTenant = new Map<string, { nano: bigint; requests: number }>();
    const byToken = new Map<string, bigint>();
    for (const event of events) {
      if (!inserted.has(event.requestId)) continue;
      const cost = BigInt(event.costNano);
      if (cost <= 0n) continue;
      const tenant = byTenant.get(event.tenantId) ?? { nano: 0n, requests: 0 };
      tenant.nano += cost;
      tenant.requests += 1;
      byTenant.set(event.tenantId, tenant);
      byToken.set(event.tokenId, (byToken.get(event.tokenId) ?? 0n) + cost);
    }
    // A stable order, so two workers locking several tenants' balances cannot deadlock.
    for (const tenantId of [...byTenant.keys()].sort()) {
      const { nano, requests } = byTenant.get(tenantId) as { nano: bigint; requests: number };
      await appendLedgerLine(manager, {
        tenantId,
        kind: 'usage',
        amountNano: -nano,
        note: `usage of ${requests} request${requests === 1 ? '' : 's'}`,
      });
    }
    await addTokenUsage(manager, new Map([...byToken].sort(([a], [b]) => a.localeCompare(b))));
    return inserted.size;
  });
}
