import { bigintTransformer } from '@gateway/db';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * What retention deleted from usage_records, per tenant and token: the reconciliation adds this to
 * the records it still has, so the books keep agreeing after old raw records are gone.
 */
@Entity({ name: 'usage_retired' })
export class UsageRetired {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid', primaryKeyConstraintName: 'usage_retired_pkey' })
  tenantId!: string;

  @PrimaryColumn({ name: 'token_id', type: 'uuid', primaryKeyConstraintName: 'usage_retired_pkey' })
  tokenId!: string;

  @Column({ type: 'bigint', transformer: bigintTransformer })
  requests!: bigint;

  @Column({ name: 'cost_nano', type: 'bigint', transformer: bigintTransformer })
  costNano!: bigint;

  /** The part of cost_nano a plan allowance covered (usage_records.covered_nano). */
  @Column({ name: 'covered_nano', type: 'bigint', transformer: bigintTransformer })
  coveredNano!: bigint;
}
