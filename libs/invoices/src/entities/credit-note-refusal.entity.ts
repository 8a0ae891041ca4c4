import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * A requested credit note the worker refused (another note took what it would have credited, or a
 * payment made it more than is unpaid). The api answered the request 202 with the id the note would
 * have had; this row keeps that id answering why, instead of "not found" for ever.
 */
@Entity({ name: 'credit_note_refusals' })
export class CreditNoteRefusal {
  /** The id the credit note would have had. */
  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'credit_note_refusals_pkey' })
  id!: string;

  @Column({ name: 'invoice_id', type: 'uuid' })
  invoiceId!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  /** The refusal's error code (`credit_exceeds_invoice`, …). */
  @Column({ type: 'varchar', length: 64 })
  code!: string;

  @Column({ type: 'text' })
  message!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
