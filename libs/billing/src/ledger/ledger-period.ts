// For invoices: what a tenant's ledger says about a window of time, read in the caller's
// transaction. Usage debits are summed; credit-side lines are listed (an invoice shows them as
// payments); `plan_allowance` lines (what a plan's included allowance covered) are summed.
import type { EntityManager } from 'typeorm';
import { LedgerEntry, LedgerKind } from '../entities/ledger-entry.entity';

export interface LedgerPayment {
  id: string;
  kind: LedgerKind;
  amountNano: bigint;
  note: string | null;
  createdAt: Date;
}

export interface LedgerPeriod {
  /** Σ of the usage debits, as a positive amount. */
  usageNano: bigint;
  /** Σ of the plan_allowance lines (positive: usage given back by the plan). */
  planAllowanceNano: bigint;
  /** Top-ups, redemptions, adjustments and refunds, oldest first. */
  payments: LedgerPayment[];
}

const SUMMED_KINDS = ['usage', 'plan_allowance'];

/** The tenant's ledger lines written in [from, to). */
export async function ledgerPeriod(
  manager: EntityManager,
  tenantId: string,
  from: Date,
  to: Date,
): Promise<LedgerPeriod> {
  const repo = manager.getRepository(LedgerEntry);
  const sums: { kind: string; total: string }[] = await repo
    .createQueryBuilder('l')
    .select('l.kind', 'kind')
    .addSelect('sum(l.amount_nano)', 'total')
    .where('l.tenant_id = :tenantId', { tenantId })
    .andWhere('l.kind IN (:...kinds)', { kinds: SUMMED_KINDS })
    .andWhere('l.created_at >= :from AND l.created_at < :to', { from, to })
    .groupBy('l.kind')
    .getRawMany();
  const sum = (kind: string) => BigInt(sums.find((row) => row.kind === kind)?.total ?? '0');
  const payments = await repo
    .createQueryBuilder('l')
    .where('l.tenant_id = :tenantId', { tenantId })
    .andWhere('l.kind NOT IN (:...kinds)', { kinds: SUMMED_KINDS })
    .andWhere('l.created_at >= :from AND l.created_at < :to', { from, to })
    .orderBy('l.created_at', 'ASC')
    .addOrderBy('l.credit_seq', 'ASC')
    .getMany();
  return {
    usageNano: -sum('usage'),
    planAllowanceNano: sum('plan_allowance'),
    payments: payments.map((line) => ({
      id: line.id,
      kind: line.kind,
      amountNano: line.amountNano,
      note: line.note,
      createdAt: line.createdAt,
    })),
  };
}
