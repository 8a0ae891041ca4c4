// For reconciliation: each tenant's usage debits in the ledger, as a positive sum.
import type { EntityManager } from 'typeorm';
import { LedgerEntry } from '../entities/ledger-entry.entity';

export async function usageDebitsByTenant(manager: EntityManager): Promise<Map<string, bigint>> {
  const rows: { tenant_id: string; debits: string }[] = await manager
    .getRepository(LedgerEntry)
    .createQueryBuilder('l')
    .select('l.tenant_id', 'tenant_id')
    .addSelect('-sum(l.amount_nano)', 'debits')
    .where("l.kind = 'usage'")
    .groupBy('l.tenant_id')
    .getRawMany();
  return new Map(rows.map((row) => [row.tenant_id, BigInt(row.debits)]));
}
