import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { PaymentProviderKind } from '../providers/payment-provider-kinds';

/**
 * A provider notification that was acted on, stored in the transaction that acted: a redelivered
 * event finds its row and changes nothing (the ledger's unique ref is the second line of defence).
 */
@Entity({ name: 'payment_events' })
@Index('payment_events_provider_event_key', ['provider', 'eventId'], { unique: true })
export class PaymentEvent {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'payment_events_pkey' })
  id!: string;

  @Column({ type: 'varchar', length: 16 })
  provider!: PaymentProviderKind;

  /** Stripe's event id; for EPay, `<trade_no>:<trade_status>`. */
  @Column({ name: 'event_id', type: 'varchar', length: 255 })
  eventId!: string;

  @Column({ type: 'varchar', length: 64 })
  type!: string;

  @Column({ name: 'order_id', type: 'uuid', nullable: true })
  orderId!: string | null;

  /** What it did: credited, duplicate, amount_mismatch, failed, expired, ignored. */
  @Column({ type: 'varchar', length: 32 })
  outcome!: string;

  @CreateDateColumn({ name: 'received_at', type: 'timestamptz' })
  receivedAt!: Date;
}
