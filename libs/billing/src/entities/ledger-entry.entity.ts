import { bigintTransformer } from '@gateway/db';
import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { AuthoredColumns } from './authored-columns';

/**
 * What moves a tenant's money. `usage` lines are debits written by the worker from usage records
 * (one per tenant and batch of records); `plan_allowance` lines, written beside them, give back the
 * part of that usage a plan's included allowance covered. Both are the usage side of the books;
 * every other kind is a credit-side line written through /api.
 */
export const LEDGER_KINDS = [
  'topup',
  'redemption',
  'adjustment',
  'refund',
  'usage',
  'plan_allowance',
] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

/**
 * One append-only ledger line. A tenant's balance is the sum of its lines (docs/design.md invariant 6);
 * `tenant_balances` keeps that sum, updated in the same transaction as each insert.
 */
@Entity({ name: 'ledger_entries' })
@Index('ledger_entries_tenant_created_idx', ['tenantId', 'createdAt'])
// One debit per request, one line per redemption code: appending twice is a no-op, not a double charge.
@Index('ledger_entries_kind_ref_key', ['tenantId', 'kind', 'ref'], { unique: true })
export class LedgerEntry extends AuthoredColumns {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'ledger_entries_pkey' })
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ type: 'varchar', length: 16 })
  kind!: LedgerKind;

  /** Signed nano-USD: credits are positive, debits negative. */
  @Column({ name: 'amount_nano', type: 'bigint', transformer: bigintTransformer })
  amountNano!: bigint;

  /** The tenant's balance right after this line. */
  @Column({ name: 'balance_after_nano', type: 'bigint', transformer: bigintTransformer })
  balanceAfterNano!: bigint;

  /**
   * For credit-side lines: their position among the tenant's credit-side lines (1, 2, …), which is
   * how the relay's Redis mirror applies them in order exactly once. Null on the usage side.
   */
  @Column({ name: 'credit_seq', type: 'bigint', nullable: true, transformer: bigintTransformer })
  creditSeq!: bigint | null;

  /** What the line is about: the request id of a usage debit, the code of a redemption, … */
  @Column({ type: 'varchar', length: 200, nullable: true })
  ref!: string | null;
}
