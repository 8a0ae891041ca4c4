import { bigintTransformer } from '@gateway/db';
import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * The running sums of a tenant's ledger, updated in the same transaction as every ledger insert, so
 * a balance read never disagrees with the ledger. balance = credits − debits.
 */
@Entity({ name: 'tenant_balances' })
export class TenantBalance {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid', primaryKeyConstraintName: 'tenant_balances_pkey' })
  tenantId!: string;

  @Column({ name: 'balance_nano', type: 'bigint', default: 0, transformer: bigintTransformer })
  balanceNano!: bigint;

  /** Sum of credit-side lines (top-ups, redemptions, adjustments, refunds; adjustments may be negative). */
  @Column({ name: 'credits_nano', type: 'bigint', default: 0, transformer: bigintTransformer })
  creditsNano!: bigint;

  /** Sum of usage debits less what plan allowances covered of them, as a positive number. */
  @Column({ name: 'debits_nano', type: 'bigint', default: 0, transformer: bigintTransformer })
  debitsNano!: bigint;

  /** How many credit-side lines there are (the last one's credit_seq). */
  @Column({ name: 'credit_seq', type: 'bigint', default: 0, transformer: bigintTransformer })
  creditSeq!: bigint;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
