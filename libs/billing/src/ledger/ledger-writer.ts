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

/** One tenant's usage in a batch of usage records: what it cost, and what a plan's allowance covered of it. */
export interface UsageLines {
  tenantId: string;
  /** The batch's cost to the tenant, as a positive number: the `usage` line debits it. */
  debitNano: bigint;
  /** What the tenant's plan allowance covered of it (0 for none): a `plan_allowance` line gives it back. */
  coveredNano: bigint;
  /** How many requests the lines are for (their notes say so). */
  requests: number;
}

/**
 * The worker's usage side of the books for a batch, every tenant in one statement: per tenant a
 * `usage` line and, when a plan covered some of it, a `plan_allowance` line, with tenant_balances
 * moved by the same amounts as appendLedgerLine would (balance, debits; never credits or
 * credit_seq). One round trip however many tenants a batch holds (issue #16), rather than five per
 * tenant. The balance rows are locked in tenant id order, so two workers cannot deadlock; a row is
 * created on first use, as appendLedgerLine does. Usage lines carry no ref: the caller charges only
 * the records its own INSERT added, which is what makes a re-sent batch harmless.
 */
export async function appendUsageLines(manager: EntityManager, lines: readonly UsageLines[]): Promise<void> {
  // A tenant named twice is one tenant: its lines are summed (an upsert cannot touch a row twice).
  const byTenant = new Map<string, UsageLines>();
  for (const line of lines) {
    if (line.debitNano < 0n) throw new RangeError('a usage line is a debit');
    if (line.coveredNano < 0n) throw new RangeError('a plan allowance line gives back usage');
    const seen = byTenant.get(line.tenantId);
    byTenant.set(
      line.tenantId,
      seen === undefined
        ? line
        : {
            tenantId: line.tenantId,
            debitNano: seen.debitNano + line.debitNano,
            coveredNano: seen.coveredNano + line.coveredNano,
            requests: seen.requests + line.requests,
          },
    );
  }
  const sorted = [...byTenant.values()]
    .filter((line) => line.debitNano !== 0n || line.coveredNano !== 0n)
    .sort((a, b) => (a.tenantId < b.tenantId ? -1 : a.tenantId > b.tenantId ? 1 : 0));
  if (sorted.length === 0) return;
  const notes = sorted.map(({ requests }) => `usage of ${requests} request${requests === 1 ? '' : 's'}`);
  await manager.query(
    `WITH input AS (
       SELECT * FROM unnest($1::uuid[], $2::bigint[], $3::bigint[], $4::text[])
         WITH ORDINALITY AS t(tenant_id, debit, covered, note, ord)
     ), moved AS (
       INSERT INTO tenant_balances AS b (tenant_id, balance_nano, debits_nano)
       SELECT tenant_id, covered - debit, debit - covered FROM input ORDER BY ord
       ON CONFLICT (tenant_id) DO UPDATE SET
         balance_nano = b.balance_nano + EXCLUDED.balance_nano,
         debits_nano = b.debits_nano + EXCLUDED.debits_nano,
         updated_at = now()
       RETURNING b.tenant_id, b.balance_nano
     )
     INSERT INTO ledger_entries (tenant_id, kind, amount_nano, balance_after_nano, note)
     SELECT i.tenant_id, 'usage', -i.debit, m.balance_nano - i.covered, i.note
       FROM input i JOIN moved m USING (tenant_id)
     UNION ALL
     SELECT i.tenant_id, 'plan_allowance', i.covered, m.balance_nano,
            'covered by the plan''s included allowance (' || i.note || ')'
       FROM input i JOIN moved m USING (tenant_id) WHERE i.covered > 0`,
    [
      sorted.map((line) => line.tenantId),
      sorted.map((line) => line.debitNano.toString()),
      sorted.map((line) => line.coveredNano.toString()),
      notes,
    ],
  );
}

export function isUsageSide(kind: LedgerKind): boolean {
  return kind === 'usage' || kind === 'plan_allowance';
}
