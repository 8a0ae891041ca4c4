import { bigintTransformer } from '@gateway/db';
import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

export const INVOICE_KINDS = ['invoice', 'credit_note'] as const;
export type InvoiceKind = (typeof INVOICE_KINDS)[number];

export const INVOICE_LINE_KINDS = ['usage', 'plan_fee', 'plan_allowance', 'credit'] as const;
export type InvoiceLineKind = (typeof INVOICE_LINE_KINDS)[number];

/** One line of an invoice as stored (money in nano-USD, as a decimal string of an integer). */
export interface StoredInvoiceLine {
  kind: InvoiceLineKind;
  description: string;
  model: string | null;
  requests: number | null;
  inputTokens: string | null;
  cachedTokens: string | null;
  /** Absent on lines stored before cache writes were metered apart (then inside inputTokens). */
  cacheWriteTokens?: string | null;
  outputTokens: string | null;
  amountNano: string;
}

/** A credit-side ledger line of the period, shown as a payment (not counted in the total). */
export interface StoredInvoicePayment {
  ledgerEntryId: string;
  kind: string;
  date: string;
  note: string | null;
  amountNano: string;
}

/**
 * An issued invoice or credit note: a frozen snapshot, never updated or deleted (a trigger refuses
 * both; see the migration). One invoice per tenant and period: the partial unique index decides
 * races. Its id is derived from (tenant, period, kind), so the api can name it before the worker
 * has written it. Credit notes correct an invoice and reference it.
 */
@Entity({ name: 'invoices' })
@Index('invoices_tenant_period_key', ['tenantId', 'period', 'kind'], {
  unique: true,
  where: `"kind" = 'invoice'`,
})
@Index('invoices_number_key', ['number'], { unique: true })
@Index('invoices_tenant_issued_idx', ['tenantId', 'issuedAt'])
@Index('invoices_credit_note_of_idx', ['creditNoteOf'])
@Check('invoices_kind_check', `"kind" IN ('invoice', 'credit_note')`)
@Check('invoices_total_check', '"total_nano" = "subtotal_nano" + "tax_nano"')
export class Invoice {
  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'invoices_pkey' })
  id!: string;

  @Column({ type: 'varchar', length: 16 })
  kind!: InvoiceKind;

  /** INV-2026-000001 (CN-… for credit notes): sequential per kind and year of issue, no gaps. */
  @Column({ type: 'varchar', length: 32 })
  number!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  /** "YYYY-MM": a calendar month in `timezone`. */
  @Column({ type: 'varchar', length: 7 })
  period!: string;

  @Column({ name: 'period_start', type: 'timestamptz' })
  periodStart!: Date;

  @Column({ name: 'period_end', type: 'timestamptz' })
  periodEnd!: Date;

  @Column({ type: 'varchar', length: 64 })
  timezone!: string;

  @Column({ type: 'varchar', length: 16, default: 'issued' })
  status!: 'issued';

  @Column({ type: 'varchar', length: 3, default: 'USD' })
  currency!: 'USD';

  @Column({ name: 'billing_name', type: 'varchar', length: 200 })
  billingName!: string;

  @Column({ name: 'billing_email', type: 'varchar', length: 320, nullable: true })
  billingEmail!: string | null;

  @Column({ type: 'jsonb' })
  lines!: StoredInvoiceLine[];

  @Column({ type: 'jsonb' })
  payments!: StoredInvoicePayment[];

  @Column({ name: 'subtotal_nano', type: 'bigint', transformer: bigintTransformer })
  subtotalNano!: bigint;

  /** The rate applied, as configured (INVOICE_TAX_RATE), e.g. "0.08". */
  @Column({ name: 'tax_rate', type: 'varchar', length: 10 })
  taxRate!: string;

  @Column({ name: 'tax_nano', type: 'bigint', transformer: bigintTransformer })
  taxNano!: bigint;

  @Column({ name: 'total_nano', type: 'bigint', transformer: bigintTransformer })
  totalNano!: bigint;

  /** For a credit note: the invoice it corrects. */
  @Column({ name: 'credit_note_of', type: 'uuid', nullable: true })
  creditNoteOf!: string | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  reason!: string | null;

  @Column({ name: 'issued_at', type: 'timestamptz' })
  issuedAt!: Date;
}
