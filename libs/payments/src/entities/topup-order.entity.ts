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
import type { PaymentCurrency, PaymentProviderKind } from '../providers/payment-provider-kinds';

export const TOPUP_ORDER_STATUSES = [
  'pending',
  'paid',
  'failed',
  'expired',
  'partially_refunded',
  'refunded',
] as const;
export type TopupOrderStatus = (typeof TOPUP_ORDER_STATUSES)[number];

/** The statuses of an order whose money was taken (and so was credited once). */
export const TOPUP_ORDER_PAID_STATUSES: readonly TopupOrderStatus[] = [
  'paid',
  'partially_refunded',
  'refunded',
];

/**
 * A tenant's online top-up: what it will credit (USD nano), what the provider charges for it (minor
 * units of `currency` at the rate fixed when it was created), and where it stands. Credited once,
 * when the provider says it is paid, through a `topup` ledger line whose ref is `payment:<id>` — or,
 * when it names an invoice, as a payment on that invoice (reference `payment:<id>`), not the balance.
 * A Stripe refund of it later debits the balance, or takes back its payment on the invoice
 * (PaymentReversals), and moves it to `partially_refunded` or `refunded`.
 */
@Entity({ name: 'topup_orders' })
@Check('topup_orders_amount_check', '"amount_nano" > 0 AND "charge_minor" > 0')
@Index('topup_orders_tenant_created_idx', ['tenantId', 'createdAt'])
@Index('topup_orders_invoice_idx', ['invoiceId'])
// A provider's session or trade belongs to one order.
@Index('topup_orders_provider_ref_key', ['provider', 'providerRef'], {
  unique: true,
  where: '"provider_ref" IS NOT NULL',
})
// How a Stripe refund or dispute, which names the payment intent, finds its order.
@Index('topup_orders_payment_intent_key', ['provider', 'paymentIntent'], {
  unique: true,
  where: '"payment_intent" IS NOT NULL',
})
export class TopupOrder {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'topup_orders_pkey' })
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ type: 'varchar', length: 16 })
  provider!: PaymentProviderKind;

  /** EPay's payment type (alipay, wxpay); null for Stripe Checkout. */
  @Column({ type: 'varchar', length: 16, nullable: true })
  method!: string | null;

  @Column({ type: 'varchar', length: 32, default: 'pending' })
  status!: TopupOrderStatus;

  /** The USD credited when paid. */
  @Column({ name: 'amount_nano', type: 'bigint', transformer: bigintTransformer })
  amountNano!: bigint;

  @Column({ type: 'varchar', length: 3 })
  currency!: PaymentCurrency;

  /** What the provider must report as paid, in minor units of `currency`. */
  @Column({ name: 'charge_minor', type: 'bigint', transformer: bigintTransformer })
  chargeMinor!: bigint;

  @Column({ name: 'usd_rate', type: 'numeric', precision: 18, scale: 6 })
  usdRate!: string;

  /** The provider's id for it: Stripe's Checkout session, EPay's trade_no once notified. */
  @Column({ name: 'provider_ref', type: 'varchar', length: 255, nullable: true })
  providerRef!: string | null;

  /** Stripe's payment intent, stored when the Checkout session is paid; null for EPay. */
  @Column({ name: 'payment_intent', type: 'varchar', length: 255, nullable: true })
  paymentIntent!: string | null;

  /** What Stripe refunded of the charge so far, in minor units of `currency`. */
  @Column({ name: 'refunded_minor', type: 'bigint', default: 0, transformer: bigintTransformer })
  refundedMinor!: bigint;

  /**
   * What those refunds took back (USD nano), from the balance or from the invoice it paid: all of
   * amountNano once fully refunded.
   */
  @Column({ name: 'refunded_nano', type: 'bigint', default: 0, transformer: bigintTransformer })
  refundedNano!: bigint;

  /** Where the customer pays (Stripe Checkout's page, EPay's submit URL). */
  @Column({ name: 'pay_url', type: 'text', nullable: true })
  payUrl!: string | null;

  @Column({ name: 'failure_reason', type: 'varchar', length: 64, nullable: true })
  failureReason!: string | null;

  /** The open invoice this payment settles; null for a top-up of the prepaid balance. */
  @Column({ name: 'invoice_id', type: 'uuid', nullable: true })
  invoiceId!: string | null;

  /** The `topup` ledger line it became (null when it paid an invoice). */
  @Column({ name: 'ledger_entry_id', type: 'uuid', nullable: true })
  ledgerEntryId!: string | null;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'paid_at', type: 'timestamptz', nullable: true })
  paidAt!: Date | null;
}
