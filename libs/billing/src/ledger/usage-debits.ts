// For reconciliation: each tenant's usage side of the ledger, as positive sums.
import type { EntityManager } from 'typeorm';
import { LedgerEntry } from '../entities/ledger-entry.entity';

export async function usageDebitsByTenant(manager: EntityManager): Promise<Map<string, bigint>> {
  return sumByTenant(manager, 'usage', -1n);
}

/** Each tenant's `plan_allowance` lines: what plans' allowances covered of its usage. */
export async function planAllowanceByTenant(manager: EntityManager): Promise<Map<string, bigint>> {
  return sumByTenant(manager, 'plan_allowance', 1n);
}

async function sumByTenant(
  manager: EntityManager,
  kind: 'usage' | 'plan_allowance',
  sign: bigint,
): Promise<Map<string, bigint>> {
  const rows: { tenant_id: string; debits: string }[] = await manager
    .getRepository(LedgerEntry)
    .createQueryBuilder('l')
    .select('l.tenant_id', 'tenant_id')
    .addSelect('sum(l.amount_nano)', 'debits')
    .where('l.kind = :kind', { kind })
    .groupBy('l.tenant_id')
    .getRawMany();
  return new Map(rows.map((row) => [row.tenant_id, sign * BigInt(row.debits)]));
}
