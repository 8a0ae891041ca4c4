import { bigintTransformer } from '@gateway/db';
import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { AuthoredColumns } from './authored-columns';

/**
 * A prepaid code worth `amountNano`, redeemable once into one tenant's balance. The code itself is
 * shown once at creation; only its SHA-256 and a short hint are kept.
 */
@Entity({ name: 'redemption_codes' })
@Check('redemption_codes_amount_check', '"amount_nano" > 0')
@Index('redemption_codes_created_idx', ['createdAt'])
@Index('redemption_codes_batch_idx', ['batchId'])
export class RedemptionCode extends AuthoredColumns {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'redemption_codes_pkey' })
  id!: string;

  /** SHA-256 of the normalized code, lower-case hex: a 128+-bit random code needs no slow hash. */
  @Index('redemption_codes_code_hash_key', { unique: true })
  @Column({ name: 'code_hash', type: 'varchar', length: 64 })
  codeHash!: string;

  /** First and last characters, to tell codes apart in lists (`K7Q2…9XZA`). */
  @Column({ type: 'varchar', length: 16 })
  hint!: string;

  @Column({ name: 'amount_nano', type: 'bigint', transformer: bigintTransformer })
  amountNano!: bigint;

  /** The codes created together by one request. */
  @Column({ name: 'batch_id', type: 'uuid' })
  batchId!: string;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt!: Date | null;

  @Column({ name: 'redeemed_at', type: 'timestamptz', nullable: true })
  redeemedAt!: Date | null;

  @Column({ name: 'redeemed_tenant_id', type: 'uuid', nullable: true })
  redeemedTenantId!: string | null;

  @Column({ name: 'redeemed_by', type: 'uuid', nullable: true })
  redeemedBy!: string | null;

  /** The `redemption` ledger line it became (whose ref is this code's id). */
  @Column({ name: 'ledger_entry_id', type: 'uuid', nullable: true })
  ledgerEntryId!: string | null;

  /** When an operator revoked it (a leaked batch): never redeemable after. Only an unredeemed code is. */
  @Column({ name: 'disabled_at', type: 'timestamptz', nullable: true })
  disabledAt!: Date | null;

  @Column({ name: 'disabled_by', type: 'uuid', nullable: true })
  disabledBy!: string | null;
}
