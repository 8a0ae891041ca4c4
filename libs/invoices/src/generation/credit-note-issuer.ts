// Corrects an issued invoice with a credit note: a new, immutable document with its own number
// (CN-YYYY-NNNNNN, gapless like invoices) that credits part or all of the invoice's subtotal, taxed
// at the invoice's rate, and states its share of the invoice's cents (credit-note-statement.ts).
// Once something is paid it credits no more than is unpaid plus what the prepaid balance paid
// (creditable-amount.ts); the part beyond what is unpaid goes back to the tenant's balance as a
// `refund` ledger line in the same transaction. The invoice row is locked while crediting (as while
// settling a payment), so concurrent credit notes and payments cannot together credit or pay more
// than the invoice, nor state more.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { appendLedgerLine } from '@gateway/billing/domain';
import { nanoToUsd } from '@gateway/db';
import { DataSource, EntityManager } from 'typeorm';
import { Invoice } from '../entities/invoice.entity';
import { InvoiceError, InvoiceErrorCode } from '../invoices.errors';
import { creditableNano, CreditRoom, refundToBalanceNano } from './creditable-amount';
import { creditNoteRefundRef, invoiceStandings, InvoiceStanding } from '../settlement/invoice-standing';
import { flatLine } from './invoice-content';
import { takeNumber, transactionTime } from './invoice-generator';
import { taxOn } from './tax';
import { creditNoteStatements } from './credit-note-statement';

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
   * and once something is paid no more than is unpaid plus what the balance paid (creditableNano).
   */
  static async creditable(manager: EntityManager, invoice: Invoice): Promise<bigint> {
    return creditableNano(await CreditNoteIssuer.room(manager, invoice));
  }

  private static async room(
    manager: EntityManager,
    invoice: Invoice,
  ): Promise<CreditRoom & { standing: InvoiceStanding }> {
    const [row] = (await manager.query(
      `SELECT coalesce(sum(subtotal_nano), 0)::text AS subtotal FROM invoices WHERE credit_note_of = $1`,
      [invoice.id],
    )) as [{ subtotal: string }];
    const standing = (await invoiceStandings(manager, [invoice])).get(invoice.id) as InvoiceStanding;
    return {
      subtotalLeftNano: invoice.subtotalNano + BigInt(row.subtotal),
      paidNano: standing.paidNano,
      balanceDueNano: standing.balanceDueNano,
      prepaidNano: standing.prepaidNano,
      taxRate: invoice.taxRate,
      standing,
    };
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
      const room = await CreditNoteIssuer.room(manager, original);
      const left = creditableNano(room);
      const amount = request.amountNano === null ? left : BigInt(request.amountNano);
      if (amount <= 0n || amount > left) {
        // Another credit note or a payment came first, since the api accepted the request.
        throw new InvoiceError(
          InvoiceErrorCode.CreditExceedsInvoice,
          `${nanoToUsd(amount)} USD is more than ${nanoToUsd(left)}, what can still be credited on ${original.number} now`,
        );
      }

      const issuedAt = await transactionTime(manager);
      const number = await takeNumber(manager, 'credit_note', issuedAt.getUTCFullYear(), async () => false);
      const subtotalNano = -amount;
      const taxNano = taxOn(subtotalNano, original.taxRate);
      // What it states: its share of what the invoice states, never with the earlier notes more.
      const earlier = await manager.getRepository(Invoice).findBy({ creditNoteOf: original.id });
      // Once something is paid, no more than what stands unpaid and what goes back to the balance.
      const settled =
        room.paidNano > 0n
          ? { standing: room.standing, refundNano: refundToBalanceNano(-(subtotalNano + taxNano), room) }
          : null;
      const stated = creditNoteStatements(original, earlier, amount, settled);
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
        // At the invoice's rate, so the credit notes together undo exactly what the invoice said.
        converted: stated.converted,
        statedUsd: stated.usd,
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
      await refundToBalance(manager, note, refundToBalanceNano(-note.totalNano, room));
      return note;
    });
  }
}

/**
 * Gives the credit note's share of prepaid usage back to the tenant's balance. The ref names the
 * credit note, so the line is booked once however often the job runs. The worker has no Redis
 * mirror of balances to tell: the mirror reconciler sees the credit_seq it has not applied and
 * resyncs the balance from PostgreSQL.
 */
async function refundToBalance(manager: EntityManager, note: Invoice, amountNano: bigint): Promise<void> {
  if (amountNano === 0n) return;
  await appendLedgerLine(manager, {
    tenantId: note.tenantId,
    kind: 'refund',
    amountNano,
    ref: creditNoteRefundRef(note.id),
    note: `${note.number}: prepaid usage credited`,
  });
}
