import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The rendered PDF of an invoice, stored in PostgreSQL so every api process can serve it. Written
 * once by the worker (a second render of the same invoice is ignored), never changed.
 */
@Entity({ name: 'invoice_pdfs' })
export class InvoicePdf {
  @PrimaryColumn('uuid', { name: 'invoice_id', primaryKeyConstraintName: 'invoice_pdfs_pkey' })
  invoiceId!: string;

  @Column({ type: 'varchar', length: 100 })
  filename!: string;

  @Column({ type: 'bytea' })
  content!: Buffer;

  @Column({ name: 'rendered_at', type: 'timestamptz', default: () => 'now()' })
  renderedAt!: Date;
}
