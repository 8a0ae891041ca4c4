import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { PaymentCurrency, PaymentProviderKind } from '../providers/payment-provider-kinds';

/**
 * One payment provider as a super admin configured it. The secrets (Stripe's secret key and webhook
 * signing secret, EPay's merchant key) are one AES-256-GCM sealed JSON object, encrypted like provider
 * keys (docs/design.md invariant 8) and bound to this row; only their masked hints are readable.
 */
@Entity({ name: 'payment_providers' })
export class PaymentProviderConfig {
  @PrimaryColumn({ type: 'varchar', length: 16, primaryKeyConstraintName: 'payment_providers_pkey' })
  provider!: PaymentProviderKind;

  @Column({ type: 'boolean', default: false })
  enabled!: boolean;

  /** What the customer is charged in (lower-case ISO 4217). */
  @Column({ type: 'varchar', length: 3 })
  currency!: PaymentCurrency;

  /** Units of `currency` per 1 USD credited, fixed into each order when it is created; "1" for USD. */
  @Column({ name: 'usd_rate', type: 'numeric', precision: 18, scale: 6 })
  usdRate!: string;

  /** Non-secret settings: EPay's gateway URL, merchant id (pid) and enabled methods. */
  @Column({ type: 'jsonb', default: {} })
  settings!: Record<string, unknown>;

  /** base64(iv ‖ tag ‖ ciphertext) of the secrets as JSON; null until they are set. */
  @Column({ name: 'secrets_ciphertext', type: 'text', nullable: true })
  secretsCiphertext!: string | null;

  @Column({ name: 'secrets_key_version', type: 'smallint', nullable: true })
  secretsKeyVersion!: number | null;

  /** What each secret's mask shows (`…abcd`), so reads never decrypt. */
  @Column({ name: 'secret_hints', type: 'jsonb', default: {} })
  secretHints!: Record<string, string>;

  @Column({ name: 'updated_by', type: 'uuid', nullable: true })
  updatedBy!: string | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
