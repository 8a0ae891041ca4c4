import { bigintTransformer } from '@gateway/db';
import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * What a tenant on a plan used in one billing period, counted against the plan's limits and
 * allowance. Updated by the worker in the same transaction that stores the usage records, so it is
 * the record the relay's Redis counters are loaded from (like tenant_balances for the balance).
 */
@Entity({ name: 'plan_period_usage' })
export class PlanPeriodUsage {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid', primaryKeyConstraintName: 'plan_period_usage_pkey' })
  tenantId!: string;

  @PrimaryColumn({
    name: 'period_start',
    type: 'timestamptz',
    primaryKeyConstraintName: 'plan_period_usage_pkey',
  })
  periodStart!: Date;

  @Column({ type: 'bigint', default: 0, transformer: bigintTransformer })
  requests!: bigint;

  @Column({ name: 'input_tokens', type: 'bigint', default: 0, transformer: bigintTransformer })
  inputTokens!: bigint;

  @Column({ name: 'output_tokens', type: 'bigint', default: 0, transformer: bigintTransformer })
  outputTokens!: bigint;

  /** The full cost of the period's requests, nano-USD (what the spend limit counts). */
  @Column({ name: 'spend_nano', type: 'bigint', default: 0, transformer: bigintTransformer })
  spendNano!: bigint;

  /** The part of that cost the plan's included allowance covered, nano-USD. */
  @Column({ name: 'covered_nano', type: 'bigint', default: 0, transformer: bigintTransformer })
  coveredNano!: bigint;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
