import { bigintTransformer } from '@gateway/db';
import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

export const PLAN_STATUSES = ['active', 'archived'] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];

/**
 * A monthly plan: a fee, optional monthly limits (null = unlimited) and an included allowance that
 * is consumed before the tenant's prepaid balance. Archived plans keep their subscribers but cannot
 * be newly chosen; plans are never deleted, so a subscription's history always resolves.
 */
@Entity({ name: 'plans' })
@Index('plans_name_key', ['name'], { unique: true })
@Check('plans_status_check', `"status" IN ('active', 'archived')`)
@Check(
  'plans_amounts_check',
  '"price_nano" >= 0 AND "included_nano" >= 0 AND ("limit_requests" IS NULL OR "limit_requests" >= 0)' +
    ' AND ("limit_input_tokens" IS NULL OR "limit_input_tokens" >= 0)' +
    ' AND ("limit_output_tokens" IS NULL OR "limit_output_tokens" >= 0)' +
    ' AND ("limit_spend_nano" IS NULL OR "limit_spend_nano" >= 0)',
)
export class Plan {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'plans_pkey' })
  id!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  /** The monthly fee, nano-USD. */
  @Column({ name: 'price_nano', type: 'bigint', transformer: bigintTransformer })
  priceNano!: bigint;

  @Column({ name: 'limit_requests', type: 'bigint', nullable: true, transformer: bigintTransformer })
  limitRequests!: bigint | null;

  @Column({ name: 'limit_input_tokens', type: 'bigint', nullable: true, transformer: bigintTransformer })
  limitInputTokens!: bigint | null;

  @Column({ name: 'limit_output_tokens', type: 'bigint', nullable: true, transformer: bigintTransformer })
  limitOutputTokens!: bigint | null;

  /** Monthly spend cap, nano-USD. */
  @Column({ name: 'limit_spend_nano', type: 'bigint', nullable: true, transformer: bigintTransformer })
  limitSpendNano!: bigint | null;

  /** Usage cost covered by the plan each period before the prepaid balance is touched, nano-USD. */
  @Column({ name: 'included_nano', type: 'bigint', default: 0, transformer: bigintTransformer })
  includedNano!: bigint;

  @Column({ type: 'varchar', length: 16, default: 'active' })
  status!: PlanStatus;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
