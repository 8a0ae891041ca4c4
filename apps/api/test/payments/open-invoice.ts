// An issued, open invoice written straight to the database (the worker's output: issuing is not
// what the payment suites test), for a tenant to pay online.
import { Invoice, invoiceIdFor } from '@gateway/invoices';
import { usdToNano } from '@gateway/db';
import { DataSource } from 'typeorm';

let invoiceSeq = 0;

/**
 * An invoice of `totalUsd` for a month of 2025 not used before in this process, with no tax; `inCny`
 * states it in CNY at `rate`; `linesUsd` splits the total into lines (the cents each one states).
 */
export async function seedOpenInvoice(
  db: DataSource,
  totalUsd: string,
  tenantId: string,
  inCny?: { rate: string; totalMinor: string },
  linesUsd: string[] = [totalUsd],
): Promise<Invoice> {
  const totalNano = usdToNano(totalUsd);
  const period = `2025-${String(++invoiceSeq).padStart(2, '0')}`;
  return db.getRepository(Invoice).save(
    db.getRepository(Invoice).create({
      id: invoiceIdFor(tenantId, period),
      kind: 'invoice',
      number: `PAY-${tenantId.slice(0, 8)}-${invoiceSeq}`,
      tenantId,
      period,
      periodStart: new Date(`${period}-01T00:00:00Z`),
      periodEnd: new Date(`${period}-02T00:00:00Z`),
      timezone: 'UTC',
      status: 'issued',
      currency: inCny ? 'CNY' : 'USD',
      exchangeRate: inCny?.rate ?? null,
      exchangeRatePeriod: inCny ? period : null,
      converted: inCny
        ? {
            minorDigits: 2,
            lineMinor: [inCny.totalMinor],
            subtotalMinor: inCny.totalMinor,
            taxMinor: '0',
            totalMinor: inCny.totalMinor,
          }
        : null,
      language: 'en',
      billingName: 'Pay Co',
      billingEmail: null,
      lines: linesUsd.map((usd, index) => ({
        kind: 'plan_fee' as const,
        description: `Service ${index + 1}`,
        model: null,
        requests: null,
        inputTokens: null,
        cachedTokens: null,
        outputTokens: null,
        amountNano: usdToNano(usd).toString(),
      })),
      payments: [],
      subtotalNano: totalNano,
      taxRate: '0',
      taxNano: 0n,
      totalNano,
      creditNoteOf: null,
      reason: null,
      issuedAt: new Date(),
    }),
  );
}
