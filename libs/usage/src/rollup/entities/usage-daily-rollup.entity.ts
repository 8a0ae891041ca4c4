import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { UsageRollupColumns } from './usage-rollup-columns';

/** One UTC day of usage per tenant × token × model × channel × status, merged from its hours. */
@Entity({ name: 'usage_rollup_daily' })
@Index('usage_rollup_daily_day_idx', ['day'])
@Index('usage_rollup_daily_tenant_day_idx', ['tenantId', 'day'])
export class UsageDailyRollup extends UsageRollupColumns {
  @PrimaryGeneratedColumn('increment', {
    type: 'bigint',
    primaryKeyConstraintName: 'usage_rollup_daily_pkey',
  })
  id!: string;

  /** The UTC day. */
  @Column({ type: 'date' })
  day!: string;
}
