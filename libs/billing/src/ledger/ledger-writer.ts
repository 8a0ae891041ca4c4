// Appends ledger lines inside the caller's transaction, keeping tenant_balances equal to the sum of
// the ledger. The tenant's balance row is locked for the append, so concurrent appends serialise.
import { EntityManager } from 'typeorm';
import { LedgerEntry, LedgerKind } from '../entities/ledger-entry.entity';
import { TenantBalance } from '../entities/tenant-balance.entity';

export interface NewLedgerLine {
  tenantId: string;
  kind: LedgerKind;
  /** Signed nano-USD: positive credits, negative debits. A usage line must not be positive. */
  amountNano: bigint;
  ref?: string | null;
  note?: string | null;
  createdBy?: string | null;
}

/** What was appended; null when a line with the same (tenant, kind, ref) already existed. */
export type AppendedLine = LedgerEntry | null;

export async function appendLedgerLine(manager: EntityManager, line: NewLedgerLine): Promise<AppendedLine> {
  if (line.kind === 'usage' && line.amountNano > 0n) throw new RangeError('a usage line is a debit');
  if (line.kind === 'plan_allowance' && line.amountNano < 0n) {
    throw new RangeError('a plan allowance line gives back usage');
  }
  // Creates the balance row on first use; either way it is locked until the transaction ends.
  await manager
    .getRepository(TenantBalance)
    .createQueryBuilder()
    .insert()
    .values({ tenantId: line.tenantId })
    .orIgnore()
    .execute();
  const balance = await manager.getRepository(TenantBalance).findOneOrFail({
    where: { tenantId: line.tenantId },
    lock: { mode: 'pessimistic_write' },
  });
  if (line.ref != null) {
    const exists = await manager.getRepository(LedgerEntry).exists({
      where: { tenantId: line.tenantId, kind: line.kind, ref: line.ref },
    });
    if (exists) return null;
  }
  // The usage side (debits and what a plan's allowance covered of them) is what the relay settles
  // in Redis as debits; credits are what the mirror applies by credit_seq.
  const usage = isUsageSide(line.kind);
  balance.balanceNano += line.amountNano;
  if (usage) balance.debitsNano -= line.amountNano;
  else {
    balance.creditsNano += line.amountNano;
    balance.creditSeq += 1n;
  }
  await manager.getRepository(TenantBalance).save(balance);
  return manager.getRepository(LedgerEntry).save(
    manager.getRepository(LedgerEntry).create({
      tenantId: line.tenantId,
      kind: line.kind,
      amountNano: line.amountNano,
      balanceAfterNano: balance.balanceNano,
      creditSeq: usage ? null : balance.creditSeq,
      ref: line.ref ?? null,
      note: line.note ?? null,
      createdBy: line.createdBy ?? null,
    }),
  );
}

export function isUsageSide(kind: LedgerKind): boolean {
  return kind === 'usage' || kind === 'plan_allowance';
}
