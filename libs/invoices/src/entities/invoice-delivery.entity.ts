import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export const DELIVERY_STATUSES = ['pending', 'sent', 'failed', 'skipped'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** Why a delivery was skipped, as a code the console translates, and the text stored as its lastError. */
export const DELIVERY_SKIP_REASONS = {
  no_smtp: 'no SMTP server is configured',
  no_recipient: 'the customer has no billing email',
} as const;
export type DeliverySkipReason = keyof typeof DELIVERY_SKIP_REASONS;

/** The skip reason of a stored delivery (null when it was not skipped for one of them). */
export function skipReasonOf(row: Pick<InvoiceDelivery, 'status' | 'lastError'>): DeliverySkipReason | null {
  if (row.status !== 'skipped') return null;
  const found = Object.entries(DELIVERY_SKIP_REASONS).find(([, text]) => text === row.lastError);
  return found ? (found[0] as DeliverySkipReason) : null;
}

/**
 * Whether an issued invoice reached its customer by email: pending while the worker tries (with
 * backoff), sent, failed after the last attempt, or skipped (no SMTP server or no address).
 */
@Entity({ name: 'invoice_deliveries' })
export class InvoiceDelivery {
  @PrimaryColumn('uuid', { name: 'invoice_id', primaryKeyConstraintName: 'invoice_deliveries_pkey' })
  invoiceId!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: DeliveryStatus;

  @Column({ type: 'varchar', length: 320, nullable: true })
  recipient!: string | null;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ name: 'last_error', type: 'varchar', length: 500, nullable: true })
  lastError!: string | null;

  @Column({ name: 'message_id', type: 'varchar', length: 300, nullable: true })
  messageId!: string | null;

  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true })
  sentAt!: Date | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
