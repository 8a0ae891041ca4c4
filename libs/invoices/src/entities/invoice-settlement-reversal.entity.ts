import { bigintTransformer } from '@gateway/db';
import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Money a payment on an invoice no longer stands for, or stands for again: a provider's refund or
 * dispute took (part of) an online payment back (`amount_nano` > 0), or a failed refund or a won
 * dispute put it back (< 0). Settlements are never changed, so what stands of one is its amount less
 * the sum of its reversals, and the invoice's status follows. A reference (the refund's or dispute's,
 * as `stripe-refund:<re_…>`) is recorded once per settlement, so a redelivered event reverses once.
 */
@Entity({ name: 'invoice_settlement_reversals' })
@Index('invoice_settlement_reversals_reference_key', ['settlementId', 'reference'], { unique: true })
@Index('invoice_settlement_reversals_invoice_idx', ['invoiceId'])
@Check('invoice_settlement_reversals_amount_check', '"amount_nano" <> 0')
export class InvoiceSettlementReversal {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'invoice_settlement_reversals_pkey' })
  id!: string;

  @Column({ name: 'settlement_id', type: 'uuid' })
  settlementId!: string;

  @Column({ name: 'invoice_id', type: 'uuid' })
  invoiceId!: string;

  /** nano-USD taken off the settlement (> 0), or given back to it (< 0). */
  @Column({ name: 'amount_nano', type: 'bigint', transformer: bigintTransformer })
  amountNano!: bigint;

  @Column({ type: 'varchar', length: 200 })
  reference!: string;

  @Column({ name: 'reversed_at', type: 'timestamptz' })
  reversedAt!: Date;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
