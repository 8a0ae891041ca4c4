import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The last number issued per kind and year. Locked (SELECT … FOR UPDATE) in the transaction that
 * inserts the invoice, so a number is taken only by a committed invoice: no gaps, no reuse.
 */
@Entity({ name: 'invoice_counters' })
export class InvoiceCounter {
  @PrimaryColumn({ type: 'varchar', length: 16, primaryKeyConstraintName: 'invoice_counters_pkey' })
  kind!: string;

  @PrimaryColumn({ type: 'integer', primaryKeyConstraintName: 'invoice_counters_pkey' })
  year!: number;

  @Column({ name: 'last_number', type: 'integer', default: 0 })
  lastNumber!: number;
}
