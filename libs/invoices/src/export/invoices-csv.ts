// A month's invoices and credit notes as CSV for the accountant: one row per document, amounts in
// exact USD (*_usd, every nano-dollar, as the ledger) and as the document states them in its currency
// (*_in_currency: converted at the invoice's rate, or USD to the cent; rounded-usd.ts), and what was
// written off beyond the requests' holds. Text cells are made safe to open (csvCell); amounts are
// exact decimals written as numbers, so a credit note's "-1.5" stays a number.
import { nanoToUsd } from '@gateway/db';
import { csvCell } from '@gateway/usage';
import type { Invoice } from '../entities/invoice.entity';
import { minorText } from '../generation/currency-conversion';
import { statedAmounts } from '../generation/rounded-usd';
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
  'written_off_usd',
  'written_off_in_currency',
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
    const stated = statedAmounts(row);
    const digits = stated.minorDigits;
    // Write-off lines are negative; the columns say how much was written off.
    let writtenOffNano = 0n;
    let writtenOffMinor = 0n;
    row.lines.forEach((line, i) => {
      if (line.kind !== 'write_off') return;
      writtenOffNano -= BigInt(line.amountNano);
      writtenOffMinor -= BigInt(stated.lineMinor[i] ?? 0);
    });
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
      minorText(stated.subtotalMinor, digits),
      minorText(stated.taxMinor, digits),
      minorText(stated.totalMinor, digits),
      standing?.delivery?.status ?? null,
      nanoToUsd(writtenOffNano),
      minorText(writtenOffMinor, digits),
    ];
    lines.push(`${values.map(cell).join(',')}\r\n`);
  }
  return lines;
}
