// Corrects an issued invoice with a credit note: a new, immutable document with its own number
// (CN-YYYY-NNNNNN, gapless like invoices) that credits part or all of the invoice's subtotal, taxed
// at the invoice's rate, and never more than is unpaid once something is paid (creditable-amount.ts).
// The invoice row is locked while crediting (as while settling a payment), so concurrent credit
// notes and payments cannot together credit or pay more than the invoice.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { nanoToUsd } from '@gateway/db';
import { DataSource, EntityManager } from 'typeorm';
import { Invoice } from '../entities/invoice.entity';
import { InvoiceError, InvoiceErrorCode } from '../invoices.errors';
import { creditableNano } from './creditable-amount';
import { flatLine } from './invoice-content';
import { takeNumber, transactionTime } from './invoice-generator';
import { taxOn } from './tax';
import { convertInvoice } from './currency-conversion';
import { minorUnitDigits } from '@gateway/common';

export interface CreditNoteRequest {
  /** Chosen by the api when it enqueued the request, so a retry writes the same row. */
  id: string;
  invoiceId: string;
  reason: string;
  /** Pre-tax amount to credit, nano-USD; null: all that is left of the invoice's subtotal. */
  amountNano: string | null;
}

@Injectable()
export class CreditNoteIssuer {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * What can still be credited on `invoice`, before tax: its subtotal less earlier credit notes',
   * and once something is paid no more than is unpaid (creditableNano).
   */
  static async creditable(manager: EntityManager, invoice: Invoice): Promise<bigint> {
    const [row] = (await manager.query(
      `SELECT (SELECT coalesce(sum(subtotal_nano), 0) FROM invoices WHERE credit_note_of = $1)::text AS subtotal,
              (SELECT coalesce(sum(total_nano), 0) FROM invoices WHERE credit_note_of = $1)::text AS total,
              (SELECT coalesce(sum(amount_nano), 0) FROM invoice_settlements WHERE invoice_id = $1)::text AS paid`,
      [invoice.id],
    )) as [{ subtotal: string; total: string; paid: string }];
    const paidNano = BigInt(row.paid);
    const left = invoice.totalNano + BigInt(row.total) - paidNano;
    return creditableNano({
      subtotalLeftNano: invoice.subtotalNano + BigInt(row.subtotal),
      paidNano,
      balanceDueNano: left > 0n ? left : 0n,
      taxRate: invoice.taxRate,
    });
  }

  async issue(request: CreditNoteRequest): Promise<Invoice> {
    const existing = await this.dataSource.getRepository(Invoice).findOneBy({ id: request.id });
    if (existing) return existing;
    return this.dataSource.transaction(async (manager) => {
      const original = await manager.getRepository(Invoice).findOne({
        where: { id: request.invoiceId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!original) throw new InvoiceError(InvoiceErrorCode.NotFound, 'no such invoice');
      if (original.kind !== 'invoice') throw new InvoiceError(InvoiceErrorCode.NotAnInvoice);
      const done = await manager.getRepository(Invoice).findOneBy({ id: request.id });
      if (done) return done;
      const left = await CreditNoteIssuer.creditable(manager, original);
      const amount = request.amountNano === null ? left : BigInt(request.amountNano);
      if (amount <= 0n || amount > left) {
        // Another credit note or a payment came first, since the api accepted the request.
        throw new InvoiceError(
          InvoiceErrorCode.CreditExceedsInvoice,
          `${nanoToUsd(amount)} USD is more than ${nanoToUsd(left)}, what is left unpaid of ${original.number} now`,
        );
      }

      const issuedAt = await transactionTime(manager);
      const number = await takeNumber(manager, 'credit_note', issuedAt.getUTCFullYear(), async () => false);
      const subtotalNano = -amount;
      const taxNano = taxOn(subtotalNano, original.taxRate);
      const note = manager.getRepository(Invoice).create({
        id: request.id,
        kind: 'credit_note',
        number: number as string,
        tenantId: original.tenantId,
        period: original.period,
        periodStart: original.periodStart,
        periodEnd: original.periodEnd,
        timezone: original.timezone,
        status: 'issued',
        currency: original.currency,
        exchangeRate: original.exchangeRate,
        exchangeRatePeriod: original.exchangeRatePeriod,
        // Converted at the invoice's rate, so the credit note undoes exactly what the invoice said.
        converted: original.exchangeRate
          ? convertInvoice(
              [subtotalNano],
              original.exchangeRate,
              minorUnitDigits(original.currency),
              original.taxRate,
            )
          : null,
        language: original.language,
        issuer: original.issuer,
        customer: original.customer,
        dueAt: null,
        billingName: original.billingName,
        billingEmail: original.billingEmail,
        lines: [flatLine('credit', `Credit on ${original.number}: ${request.reason}`, subtotalNano)],
        payments: [],
        subtotalNano,
        taxRate: original.taxRate,
        taxNano,
        totalNano: subtotalNano + taxNano,
        creditNoteOf: original.id,
        reason: request.reason,
        issuedAt,
      });
      await manager.getRepository(Invoice).insert(note);
      return note;
    });
  }
}
