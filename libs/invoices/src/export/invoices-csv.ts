// A month's invoices and credit notes as CSV for the accountant: one row per document, amounts in
// USD and, for another currency, converted at the invoice's rate. Text cells are made safe to open
// (csvCell); amounts are exact decimals written as numbers, so a credit note's "-1.5" stays a number.
import { nanoToUsd } from '@gateway/db';
import { csvCell } from '@gateway/usage';
import type { Invoice } from '../entities/invoice.entity';
import { minorText } from '../generation/currency-conversion';
import type { InvoiceStanding } from '../settlement/invoice-standing';

export const INVOICES_CSV_HEADER = [
  'number',
  'kind',
  'corrects',
  'tenant_id',
  'customer',
  'customer_tax_id',
  'customer_country',
  'period',
  'issued_at',
  'due_at',
  'status',
  'subtotal_usd',
  'tax_rate',
  'tax_usd',
  'total_usd',
  'paid_usd',
  'balance_due_usd',
  'currency',
  'exchange_rate',
  'subtotal_in_currency',
  'tax_in_currency',
  'total_in_currency',
  'delivery',
] as const;

type CsvValue = string | number | boolean | null | undefined;

const DECIMAL = /^-?\d+(\.\d+)?$/;

/** An exact decimal as a bare number; anything else goes through the safe text cell. */
function cell(value: CsvValue): string {
  return typeof value === 'string' && DECIMAL.test(value) ? value : csvCell(value);
}

export function invoicesCsv(
  rows: readonly Invoice[],
  standings: ReadonlyMap<string, InvoiceStanding>,
): string[] {
  const numbers = new Map(rows.map((row) => [row.id, row.number]));
  const lines = [INVOICES_CSV_HEADER.join(',') + '\r\n'];
  for (const row of rows) {
    const standing = standings.get(row.id);
    const digits = row.converted?.minorDigits ?? 2;
    const values: CsvValue[] = [
      row.number,
      row.kind,
      row.creditNoteOf ? (numbers.get(row.creditNoteOf) ?? row.creditNoteOf) : null,
      row.tenantId,
      row.customer?.legalName ?? row.billingName,
      row.customer?.taxId ?? null,
      row.customer?.country ?? null,
      row.period,
      row.issuedAt.toISOString(),
      row.dueAt?.toISOString() ?? null,
      standing?.status ?? null,
      nanoToUsd(row.subtotalNano),
      row.taxRate,
      nanoToUsd(row.taxNano),
      nanoToUsd(row.totalNano),
      standing ? nanoToUsd(standing.paidNano) : null,
      standing ? nanoToUsd(standing.balanceDueNano) : null,
      row.currency,
      row.exchangeRate,
      row.converted ? minorText(row.converted.subtotalMinor, digits) : null,
      row.converted ? minorText(row.converted.taxMinor, digits) : null,
      row.converted ? minorText(row.converted.totalMinor, digits) : null,
      standing?.delivery?.status ?? null,
    ];
    lines.push(`${values.map(cell).join(',')}\r\n`);
  }
  return lines;
}
