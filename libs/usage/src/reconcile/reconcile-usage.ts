// The books must agree (docs/design.md invariants 6 and 7): for every tenant, the ledger's usage debits
// equal the cost of its usage records and its plan-allowance lines the part of that cost its plan
// covered; for every token, its used quota equals the cost of its records. Records, debits and token spend are written in one transaction, so this holds at any
// moment, not only once the usage stream has drained.
import type { EntityManager } from 'typeorm';
import { planAllowanceByTenant, usageDebitsByTenant } from '@gateway/billing/domain';
import { usedByToken } from '@gateway/tokens/domain';
import { UsageRecord } from '../entities/usage-record.entity';

export interface ReconciliationMismatch {
  /** `allowance`: a tenant's plan-allowance lines against the covered part of its records. */
  kind: 'tenant' | 'allowance' | 'token';
  id: string;
  /** nano-USD, decimal strings. */
  recordsNano: string;
  booksNano: string;
}

export interface ReconciliationReport {
  checkedAt: string;
  tenants: number;
  tokens: number;
  mismatches: ReconciliationMismatch[];
}

async function costBy(
  manager: EntityManager,
  column: 'tenant_id' | 'token_id',
  amount: 'cost_nano' | 'covered_nano' = 'cost_nano',
): Promise<Map<string, bigint>> {
  const rows: { id: string; cost: string }[] = await manager
    .getRepository(UsageRecord)
    .createQueryBuilder('r')
    .select(`r.${column}`, 'id')
    .addSelect(`sum(r.${amount})`, 'cost')
    .groupBy(`r.${column}`)
    .getRawMany();
  const costs = new Map(rows.map((row) => [row.id, BigInt(row.cost)]));
  // Records deleted by retention are tallied in usage_retired when they go; they still count.
  const retired: { id: string; cost: string }[] = await manager.query(
    `SELECT ${column} AS id, sum(${amount})::text AS cost FROM usage_retired GROUP BY ${column}`,
  );
  for (const row of retired) costs.set(row.id, (costs.get(row.id) ?? 0n) + BigInt(row.cost));
  return costs;
}

function compare(
  kind: ReconciliationMismatch['kind'],
  records: Map<string, bigint>,
  books: Map<string, bigint>,
  onlyBooked: boolean,
): ReconciliationMismatch[] {
  const ids = new Set(onlyBooked ? books.keys() : [...records.keys(), ...books.keys()]);
  const out: ReconciliationMismatch[] = [];
  for (const id of ids) {
    const fromRecords = records.get(id) ?? 0n;
    const fromBooks = books.get(id) ?? 0n;
    if (fromRecords !== fromBooks) {
      out.push({ kind, id, recordsNano: fromRecords.toString(), booksNano: fromBooks.toString() });
    }
  }
  return out;
}

export async function reconcileUsage(manager: EntityManager): Promise<ReconciliationReport> {
  // One snapshot for all three reads, so a batch committed meanwhile is seen everywhere or nowhere.
  return manager.transaction('REPEATABLE READ', async (tx) => {
    const [byTenant, coveredByTenant, byToken, debits, allowances, used] = [
      await costBy(tx, 'tenant_id'),
      await costBy(tx, 'tenant_id', 'covered_nano'),
      await costBy(tx, 'token_id'),
      await usageDebitsByTenant(tx),
      await planAllowanceByTenant(tx),
      await usedByToken(tx),
    ];
    return {
      checkedAt: new Date().toISOString(),
      tenants: new Set([...byTenant.keys(), ...debits.keys()]).size,
      tokens: used.size,
      // A deleted token takes its counter with it; only existing tokens can be checked.
      mismatches: [
        ...compare('tenant', byTenant, debits, false),
        ...compare('allowance', coveredByTenant, allowances, false),
        ...compare('token', byToken, used, true),
      ],
    };
  });
}
