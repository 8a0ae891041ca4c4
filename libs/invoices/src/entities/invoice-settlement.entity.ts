import { bigintTransformer } from '@gateway/db';
import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export const SETTLEMENT_SOURCES = ['manual', 'online', 'balance'] as const;
export type SettlementSource = (typeof SETTLEMENT_SOURCES)[number];

/** The reference of the settlement that records what the prepaid balance paid, one per invoice. */
export const PREPAID_USAGE_REFERENCE = 'prepaid-usage';

/**
 * A payment received against an invoice: recorded by a super admin (a bank transfer), by an online
 * payment, or (source `balance`, written when the invoice is issued) the usage the tenant's prepaid
 * balance already paid as each request was debited. Invoices themselves never change, so what was
 * paid lives here and the invoice's status (open, paid, credited) is read from these rows and its
 * credit notes. A reference is recorded once per invoice and source, so a redelivered payment
 * settles once.
 */
@Entity({ name: 'invoice_settlements' })
@Index('invoice_settlements_reference_key', ['invoiceId', 'source', 'reference'], { unique: true })
@Check('invoice_settlements_amount_check', '"amount_nano" > 0')
export class InvoiceSettlement {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'invoice_settlements_pkey' })
  id!: string;

  @Column({ name: 'invoice_id', type: 'uuid' })
  invoiceId!: string;

  @Column({ name: 'amount_nano', type: 'bigint', transformer: bigintTransformer })
  amountNano!: bigint;

  @Column({ type: 'varchar', length: 200 })
  reference!: string;

  @Column({ type: 'varchar', length: 16 })
  source!: SettlementSource;

  @Column({ name: 'paid_at', type: 'timestamptz' })
  paidAt!: Date;

  @Column({ name: 'recorded_by', type: 'uuid', nullable: true })
  recordedBy!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
