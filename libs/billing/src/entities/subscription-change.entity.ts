import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export const SUBSCRIPTION_CHANGE_KINDS = ['subscribe', 'switch', 'end'] as const;
export type SubscriptionChangeKind = (typeof SUBSCRIPTION_CHANGE_KINDS)[number];

/** Append-only history of a tenant's plan: every start, switch and end, with who did it and when. */
@Entity({ name: 'subscription_changes' })
@Index('subscription_changes_tenant_created_idx', ['tenantId', 'createdAt'])
export class SubscriptionChange {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'subscription_changes_pkey' })
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ type: 'varchar', length: 16 })
  kind!: SubscriptionChangeKind;

  @Column({ name: 'from_plan_id', type: 'uuid', nullable: true })
  fromPlanId!: string | null;

  @Column({ name: 'to_plan_id', type: 'uuid', nullable: true })
  toPlanId!: string | null;

  /** The period in force when the change happened (a switch keeps it; an end closes it). */
  @Column({ name: 'period_start', type: 'timestamptz' })
  periodStart!: Date;

  @Column({ name: 'period_end', type: 'timestamptz' })
  periodEnd!: Date;

  @Column({ name: 'changed_by', type: 'uuid', nullable: true })
  changedBy!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
