import { bigintTransformer } from '@gateway/db';
import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

export const INVOICE_KINDS = ['invoice', 'credit_note'] as const;
export type InvoiceKind = (typeof INVOICE_KINDS)[number];

/**
 * `write_off`: negative, below its model's usage line: the cost beyond the requests' holds that
 * was not charged (its `requests` counts the requests it applies to).
 */
export const INVOICE_LINE_KINDS = ['usage', 'write_off', 'plan_fee', 'plan_allowance', 'credit'] as const;
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
  /** Usage lines: the prices charged (after the group's multiplier), nano-USD; absent on older invoices. */
  unitPrices?: StoredUnitPrices | null;
}

/** A model's unit prices on an invoice line, nano-USD as decimal strings of integers. */
export interface StoredUnitPrices {
  inputPer1MNano: string;
  cachedPer1MNano: string;
  outputPer1MNano: string;
  perRequestNano: string;
  /** The price changed during the period: these are the last ones, the amount is exact per request. */
  changedInPeriod: boolean;
}

/** The issuer as it was when the invoice was issued. */
export interface StoredIssuer {
  legalName: string;
  address: string;
  taxId: string | null;
  email: string | null;
  paymentInstructions: string | null;
  footer: string | null;
  /** Absent on invoices issued before there was one. */
  taxLabel?: string | null;
  paymentTermsDays: number;
  logo: string | null;
}

/** The customer as it was when the invoice was issued. */
export interface StoredCustomer {
  legalName: string;
  address: string | null;
  country: string | null;
  taxId: string | null;
  email: string | null;
}

/**
 * The amounts in the invoice's currency when it is not USD, in minor units (fen for CNY) as decimal
 * strings: each USD amount × rate rounded half away from zero to the minor unit, the subtotal the
 * sum of the converted lines, the tax computed on it at the invoice's rate and rounded the same way.
 */
export interface StoredConversion {
  minorDigits: number;
  lineMinor: string[];
  subtotalMinor: string;
  taxMinor: string;
  totalMinor: string;
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

  /** ISO 4217: the currency the invoice is stated in (the ledger and the *_nano columns stay USD). */
  @Column({ type: 'varchar', length: 3, default: 'USD' })
  currency!: string;

  /** Units of `currency` per USD, fixed at issue; null for USD. */
  @Column({ name: 'exchange_rate', type: 'varchar', length: 20, nullable: true })
  exchangeRate!: string | null;

  /** The month whose rate was used (the period's own, or the latest before it). */
  @Column({ name: 'exchange_rate_period', type: 'varchar', length: 7, nullable: true })
  exchangeRatePeriod!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  converted!: StoredConversion | null;

  /**
   * A credit note's amounts in USD cents, as it states them: its share of what its invoice states
   * (credit-note-statement.ts), which its own line rounded alone may exceed. Null on invoices and on
   * credit notes issued before, whose cents are derived from their lines (rounded-usd.ts).
   */
  @Column({ name: 'stated_usd', type: 'jsonb', nullable: true })
  statedUsd!: StoredConversion | null;

  /** The labels' language ('en' or 'zh-CN'), from the tenant's billing profile at issue. */
  @Column({ type: 'varchar', length: 8, default: 'en' })
  language!: string;

  /** Copied from the settings at issue (null on invoices issued before there was one). */
  @Column({ type: 'jsonb', nullable: true })
  issuer!: StoredIssuer | null;

  /** Copied from the tenant's billing profile at issue (null on invoices issued before). */
  @Column({ type: 'jsonb', nullable: true })
  customer!: StoredCustomer | null;

  @Column({ name: 'due_at', type: 'timestamptz', nullable: true })
  dueAt!: Date | null;

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
