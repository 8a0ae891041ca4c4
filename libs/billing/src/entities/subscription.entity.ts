import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

/**
 * A tenant's current plan (at most one: the unique index decides races) and the billing period in
 * force. The period is calendar months in the tenant's time zone starting on `anchorDay`; it rolls
 * over lazily when read after `periodEnd`. Ending a subscription deletes the row; the history stays
 * in `subscription_changes`.
 */
@Entity({ name: 'subscriptions' })
@Index('subscriptions_tenant_key', ['tenantId'], { unique: true })
@Index('subscriptions_plan_idx', ['planId'])
@Check('subscriptions_anchor_day_check', '"anchor_day" BETWEEN 1 AND 31')
@Check('subscriptions_period_check', '"period_start" < "period_end"')
export class Subscription {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'subscriptions_pkey' })
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ name: 'plan_id', type: 'uuid' })
  planId!: string;

  @Column({ name: 'anchor_day', type: 'smallint', default: 1 })
  anchorDay!: number;

  @Column({ name: 'period_start', type: 'timestamptz' })
  periodStart!: Date;

  @Column({ name: 'period_end', type: 'timestamptz' })
  periodEnd!: Date;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
