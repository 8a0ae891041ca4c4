import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * "Hour H has records not rolled up yet." Written by a trigger on usage_records in the same
 * transaction as the records (so a committed record always has its mark until a rollup that saw it
 * commits), append-only (no lock contention between ingesting workers); the rollup job deletes
 * exactly the marks it read. An hour with a mark is read from raw records by the summary.
 */
@Entity({ name: 'usage_rollup_pending' })
@Index('usage_rollup_pending_hour_idx', ['hour'])
export class UsageRollupPending {
  @PrimaryGeneratedColumn('increment', {
    type: 'bigint',
    primaryKeyConstraintName: 'usage_rollup_pending_pkey',
  })
  id!: string;

  @Column({ type: 'timestamptz' })
  hour!: Date;
}
