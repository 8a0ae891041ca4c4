// Records payments against invoices. Online payments call `settle` with source "online" and the
// provider's payment id as the reference: a redelivered notification settles once. The invoice row
// is locked while settling, so two payments cannot together pay more than is due. A provider's
// refund or dispute of an online payment calls `reverse`, which takes (part of) that payment back
// and so reopens the invoice, or, when the refund fails or the dispute is won, puts it back.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { nanoToUsd } from '@gateway/db';
import { DataSource, EntityManager } from 'typeorm';
import { InvoiceSettlementReversal } from '../entities/invoice-settlement-reversal.entity';
import { InvoiceSettlement, SettlementSource } from '../entities/invoice-settlement.entity';
import { Invoice } from '../entities/invoice.entity';
import { USD_CENT_DIGITS } from '../generation/rounded-usd';
import { InvoiceError, InvoiceErrorCode } from '../invoices.errors';
import { convertedPaymentMinor } from './converted-balance';
import { invoiceStandings, InvoiceStanding } from './invoice-standing';

export interface SettleInvoiceCommand {
  invoiceId: string;
  /** nano-USD, > 0. */
  amountNano: bigint;
  /** The bank's or the payment provider's reference; unique per invoice and source. */
  reference: string;
  source: SettlementSource;
  paidAt: Date;
  /** The user who recorded it (null for an online payment). */
  recordedBy: string | null;
}

/**
 * What a payment on an invoice costs in the currency it is stated in: its share of what the invoice
 * states is due (`charge`, minor units), at the invoice's fixed `exchangeRate` (1 for USD, whose
 * invoices state cents: rounded-usd.ts).
 */
export interface OwnCurrencyCharge {
  currency: string;
  exchangeRate: string;
  minorDigits: number;
  charge: bigint;
}

export interface SettleResult {
  settlement: InvoiceSettlement;
  /** false when this reference had been recorded before (an online redelivery): nothing changed. */
  created: boolean;
  standing: InvoiceStanding;
}

/** Names one settlement: its invoice, source and reference (unique together). */
export interface SettlementKey {
  invoiceId: string;
  source: SettlementSource;
  reference: string;
}

export interface ReverseSettlementCommand {
  settlement: SettlementKey;
  /** The refund's or dispute's reference (`stripe-refund:<re_…>`): recorded once per settlement. */
  reference: string;
  /**
   * nano-USD, not 0: > 0 takes that much of the payment back (a refund, a dispute), < 0 puts it back
   * (a failed refund, a won dispute).
   */
  amountNano: bigint;
  at: Date;
}

export interface ReverseResult {
  /** The row written; null when nothing could move (or the reference was recorded before). */
  reversal: InvoiceSettlementReversal | null;
  /** false when the reference had been recorded before: nothing changed. */
  created: boolean;
  /**
   * What moved, signed as asked: never more of the payment than stands, nor back more than was
   * taken or than the invoice has left to pay. The caller settles the rest elsewhere (the balance).
   */
  appliedNano: bigint;
  standing: InvoiceStanding;
}

@Injectable()
export class InvoiceSettlements {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Settles (part of) an invoice. Refuses a credit note, an invoice already paid or credited in
   * full, and more than is left to pay. The same reference again: for an online payment the first
   * settlement is returned unchanged; for a manual one it is a 409 duplicate_payment.
   */
  async settle(command: SettleInvoiceCommand, manager?: EntityManager): Promise<SettleResult> {
    const run = (m: EntityManager) => this.settleIn(m, command);
    return manager ? run(manager) : this.dataSource.transaction(run);
  }

  /**
   * Takes (part of) a payment back from its invoice, or puts it back, once per reference, with the
   * invoice row locked like `settle` and credit notes. Taking back never takes more than stands of
   * the payment; putting back never more than was taken, nor more than the invoice has left to pay
   * (it may have been paid otherwise meanwhile): `appliedNano` says what moved. Throws NotFound when
   * the settlement does not exist.
   */
  async reverse(command: ReverseSettlementCommand, manager: EntityManager): Promise<ReverseResult> {
    const invoice = await manager.getRepository(Invoice).findOne({
      where: { id: command.settlement.invoiceId },
      lock: { mode: 'pessimistic_write' },
    });
    const settlement = invoice
      ? await manager.getRepository(InvoiceSettlement).findOneBy(command.settlement)
      : null;
    if (!invoice || !settlement) throw new InvoiceError(InvoiceErrorCode.NotFound, 'no such payment');
    const reversals = manager.getRepository(InvoiceSettlementReversal);
    const repeated = await reversals.findOneBy({ settlementId: settlement.id, reference: command.reference });
    if (repeated) {
      const standing = (await invoiceStandings(manager, [invoice])).get(invoice.id) as InvoiceStanding;
      return { reversal: repeated, created: false, appliedNano: 0n, standing };
    }
    const before = (await invoiceStandings(manager, [invoice])).get(invoice.id) as InvoiceStanding;
    const taken = before.reversals
      .filter((row) => row.settlementId === settlement.id)
      .reduce((sum, row) => sum + row.amountNano, 0n);
    const appliedNano =
      command.amountNano > 0n
        ? min(command.amountNano, settlement.amountNano - taken)
        : -min(-command.amountNano, taken, before.status === 'open' ? before.balanceDueNano : 0n);
    if (appliedNano === 0n) return { reversal: null, created: true, appliedNano, standing: before };
    const reversal = reversals.create({
      settlementId: settlement.id,
      invoiceId: invoice.id,
      amountNano: appliedNano,
      reference: command.reference,
      reversedAt: command.at,
    });
    await reversals.insert(reversal);
    const standing = (await invoiceStandings(manager, [invoice])).get(invoice.id) as InvoiceStanding;
    return { reversal, created: true, appliedNano, standing };
  }

  /** The reversal recorded under `reference` for a settlement, or null. */
  async reversalOf(
    manager: EntityManager,
    key: SettlementKey,
    reference: string,
  ): Promise<InvoiceSettlementReversal | null> {
    const settlement = await manager.getRepository(InvoiceSettlement).findOneBy(key);
    if (!settlement) return null;
    return manager
      .getRepository(InvoiceSettlementReversal)
      .findOneBy({ settlementId: settlement.id, reference });
  }

  /** Whether the settlement exists (an online payment that did pay its invoice). */
  async exists(manager: EntityManager, key: SettlementKey): Promise<boolean> {
    return manager.getRepository(InvoiceSettlement).existsBy(key);
  }

  /**
   * Checks that a tenant may pay `amountNano` of its invoice online, before an order is made: the
   * invoice must be the tenant's, open, and the amount at most what is left to pay. Errors name
   * `invoiceId` or `amountUsd`. `settle` checks again when the money arrives. Answers what the
   * payment costs in the currency the invoice is stated in: a USD invoice states cents, its lines
   * rounded one by one, so paying all of it costs the total it states, not the exact total rounded.
   */
  async assertPayable(
    tenantId: string,
    invoiceId: string,
    amountNano: bigint,
  ): Promise<OwnCurrencyCharge | null> {
    const invoice = await this.dataSource.getRepository(Invoice).findOneBy({ id: invoiceId, tenantId });
    if (!invoice) {
      throw new InvoiceError(InvoiceErrorCode.UnknownInvoice, undefined, { field: 'invoiceId' });
    }
    if (invoice.kind !== 'invoice') {
      throw new InvoiceError(
        InvoiceErrorCode.NotAnInvoice,
        'invoiceId names a credit note, which is not paid',
        {
          field: 'invoiceId',
        },
      );
    }
    const standing = (await invoiceStandings(this.dataSource.manager, [invoice])).get(
      invoice.id,
    ) as InvoiceStanding;
    if (standing.status !== 'open') {
      throw new InvoiceError(InvoiceErrorCode.NotPayable, `invoice ${invoice.number} is ${standing.status}`, {
        field: 'invoiceId',
      });
    }
    if (amountNano > standing.balanceDueNano) {
      throw new InvoiceError(
        InvoiceErrorCode.PaymentExceedsBalance,
        `amountUsd must be at most ${nanoToUsd(standing.balanceDueNano)}, what is left to pay on ${invoice.number}`,
        { field: 'amountUsd' },
      );
    }
    if (!invoice.exchangeRate || !invoice.converted || standing.amountDueMinor === null) {
      if (invoice.currency !== 'USD') return null;
      return {
        currency: 'USD',
        exchangeRate: '1',
        minorDigits: USD_CENT_DIGITS,
        charge: convertedPaymentMinor(
          standing.amountDueCents,
          standing.amountDueNano,
          standing.balanceDueNano,
          amountNano,
        ),
      };
    }
    return {
      currency: invoice.currency,
      exchangeRate: invoice.exchangeRate,
      minorDigits: invoice.converted.minorDigits,
      charge: convertedPaymentMinor(
        standing.amountDueMinor,
        standing.amountDueNano,
        standing.balanceDueNano,
        amountNano,
      ),
    };
  }

  private async settleIn(manager: EntityManager, command: SettleInvoiceCommand): Promise<SettleResult> {
    const invoice = await manager.getRepository(Invoice).findOne({
      where: { id: command.invoiceId },
      lock: { mode: 'pessimistic_write' },
    });
    if (!invoice) throw new InvoiceError(InvoiceErrorCode.NotFound, 'no such invoice');
    if (invoice.kind !== 'invoice') {
      throw new InvoiceError(InvoiceErrorCode.NotAnInvoice, 'a credit note is not paid');
    }
    const repeated = await manager.getRepository(InvoiceSettlement).findOneBy({
      invoiceId: invoice.id,
      source: command.source,
      reference: command.reference,
    });
    if (repeated) {
      if (command.source === 'manual') {
        throw new InvoiceError(InvoiceErrorCode.DuplicatePayment, undefined, { field: 'reference' });
      }
      const standing = (await invoiceStandings(manager, [invoice])).get(invoice.id) as InvoiceStanding;
      return { settlement: repeated, created: false, standing };
    }
    const before = (await invoiceStandings(manager, [invoice])).get(invoice.id) as InvoiceStanding;
    if (before.status !== 'open') throw new InvoiceError(InvoiceErrorCode.NotPayable);
    if (command.amountNano <= 0n || command.amountNano > before.balanceDueNano) {
      throw new InvoiceError(
        InvoiceErrorCode.PaymentExceedsBalance,
        `amountUsd must be greater than 0 and at most ${nanoToUsd(before.balanceDueNano)}, what is left to pay on ${invoice.number}`,
        { field: 'amountUsd' },
      );
    }
    const settlement = manager.getRepository(InvoiceSettlement).create({
      invoiceId: invoice.id,
      amountNano: command.amountNano,
      reference: command.reference,
      source: command.source,
      paidAt: command.paidAt,
      recordedBy: command.recordedBy,
    });
    await manager.getRepository(InvoiceSettlement).insert(settlement);
    const standing = (await invoiceStandings(manager, [invoice])).get(invoice.id) as InvoiceStanding;
    return { settlement, created: true, standing };
  }
}

function min(first: bigint, ...rest: bigint[]): bigint {
  const least = rest.reduce((a, b) => (b < a ? b : a), first);
  return least > 0n ? least : 0n;
}
