import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { UsageRollupColumns } from './usage-rollup-columns';

/**
 * One UTC hour of usage per tenant × token × model × channel × status, recomputed whole from
 * usage_records by the rollup job (rollup/roll-up-usage.ts) whenever a record lands in that hour.
 */
@Entity({ name: 'usage_rollup_hourly' })
@Index('usage_rollup_hourly_hour_idx', ['hour'])
@Index('usage_rollup_hourly_tenant_hour_idx', ['tenantId', 'hour'])
export class UsageHourlyRollup extends UsageRollupColumns {
  @PrimaryGeneratedColumn('increment', {
    type: 'bigint',
    primaryKeyConstraintName: 'usage_rollup_hourly_pkey',
  })
  id!: string;

  /** The hour's start (UTC, on the hour). */
  @Column({ type: 'timestamptz' })
  hour!: Date;
}
