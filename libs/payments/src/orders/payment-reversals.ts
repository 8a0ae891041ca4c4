// Taking back what an online payment credited when the provider says the money went back: a refund
// an operator made in Stripe's dashboard, or a cardholder's dispute (docs/design.md "Money"). One
// transaction, as for the credit (CreditPoster: the Redis mirror hears of each line after it commits):
//   1. the order is found by the payment intent the refund or dispute names, and locked; a payment
//      intent no order was paid with changes nothing and records nothing, so the event can be resent
//      from Stripe's dashboard once the order's payment has been heard of;
//   2. the event is recorded under its unique (provider, event id): a redelivery stops here;
//   3. each refund or dispute moves money once: what it moves is recorded under a ref naming Stripe's
//      refund or dispute id (`stripe-refund:<re_…>`, …), unique per tenant on the ledger and per
//      payment on an invoice, so events that repeat it (refund.created then refund.updated, a
//      dispute's created then closed or funds_withdrawn) or arrive out of order move nothing twice.
// Where the money goes back from: an order that paid an invoice has that payment taken back
// (InvoiceSettlements.reverse: the invoice reopens, the prepaid balance is untouched); a top-up, or
// whatever the invoice's payment no longer holds, is an `adjustment` ledger line, the kind finance
// posted by hand for these, with a note naming the refund or dispute and the order. A debit may take
// the balance below zero (the money is gone either way), and then the relay refuses the tenant's
// requests until it is topped up. Giving back (a failed refund, a won dispute) goes to the invoice's
// payment as far as the invoice still has something to pay, and the rest to the balance.
import { Injectable, Logger } from '@nestjs/common';
import { AuditService } from '@gateway/audit';
import {
  CreditPoster,
  CreditTransaction,
  LEDGER_ENTRY_AUDIT_TYPE,
  LedgerEntry,
  LedgerEntryView,
} from '@gateway/billing';
import { nanoToUsd } from '@gateway/db';
import { InvoiceSettlements, type SettlementKey } from '@gateway/invoices';
import { EntityManager } from 'typeorm';
import { PaymentEvent } from '../entities/payment-event.entity';
import { TOPUP_ORDER_PAID_STATUSES, TopupOrder } from '../entities/topup-order.entity';
import type { PaymentReversalNotice } from './payment-notice';
import { type SettlementOutcome, topupLedgerRef } from './payment-settlement';
import { saveAuditedOrder } from './save-audited-order';
import { TopupOrderView } from './views/topup-order.view';

export function refundLedgerRef(refundId: string): string {
  return `stripe-refund:${refundId}`;
}

export function refundFailedLedgerRef(refundId: string): string {
  return `stripe-refund-failed:${refundId}`;
}

export function disputeLedgerRef(disputeId: string): string {
  return `stripe-dispute:${disputeId}`;
}

export function disputeWonLedgerRef(disputeId: string): string {
  return `stripe-dispute-won:${disputeId}`;
}

/** The audit's entity type for a refund's or dispute's reversal of an invoice payment. */
export const INVOICE_PAYMENT_REVERSAL_AUDIT_TYPE = 'invoice_payment_reversal';

/** A paid order, and the invoice payment it made (null when it credited the balance). */
interface Paid {
  order: TopupOrder;
  invoicePayment: SettlementKey | null;
}

@Injectable()
export class PaymentReversals {
  private readonly logger = new Logger(PaymentReversals.name);

  constructor(
    private readonly poster: CreditPoster,
    private readonly audit: AuditService,
    private readonly invoices: InvoiceSettlements,
  ) {}

  async apply(notice: PaymentReversalNotice): Promise<SettlementOutcome> {
    return this.poster.run(async (tx) => {
      const order = notice.paymentIntent
        ? await tx.manager.findOne(TopupOrder, {
            where: { provider: notice.provider, paymentIntent: notice.paymentIntent },
            lock: { mode: 'pessimistic_write' },
          })
        : null;
      if (!order || !TOPUP_ORDER_PAID_STATUSES.includes(order.status)) {
        this.logger.warn(
          { eventId: notice.eventId, type: notice.type, paymentIntent: notice.paymentIntent },
          'a Stripe refund or dispute names a payment no paid order was made with; nothing changed',
        );
        return 'unknown_charge';
      }
      if (!(await this.record(tx.manager, notice, order.id))) return 'duplicate';
      const outcome = await this.act(tx, notice, order);
      await tx.manager.update(
        PaymentEvent,
        { provider: notice.provider, eventId: notice.eventId },
        { outcome },
      );
      return outcome;
    });
  }

  /** false when the event was recorded before (a redelivery). */
  private async record(manager: EntityManager, notice: PaymentReversalNotice, orderId: string) {
    const inserted = await manager
      .createQueryBuilder()
      .insert()
      .into(PaymentEvent)
      .values({
        provider: notice.provider,
        eventId: notice.eventId,
        type: notice.type.slice(0, 64),
        orderId,
        outcome: 'received',
      })
      .orIgnore()
      .returning(['id'])
      .execute();
    return (inserted.raw as unknown[]).length > 0;
  }

  private async act(
    tx: CreditTransaction,
    notice: PaymentReversalNotice,
    order: TopupOrder,
  ): Promise<SettlementOutcome> {
    if (notice.action === 'none') return 'ignored';
    if (notice.amount.currency !== order.currency) return 'amount_mismatch';
    // A refund or dispute of nothing moves nothing: no 0.00 line, no reversal, the order unchanged.
    if (notice.amount.minor === 0n) return 'ignored';
    const paid: Paid = { order, invoicePayment: await this.invoicePayment(tx.manager, order) };
    if (notice.action === 'refund') return this.refund(tx, notice, paid);
    if (notice.action === 'restore') return this.restore(tx, notice, paid);
    const withdrawn = await this.withdraw(tx, notice, paid);
    if (notice.action === 'withdraw') return withdrawn ? 'dispute_withdrawn' : 'duplicate';
    return this.reinstate(tx, notice, paid);
  }

  /** The invoice payment an order made, when it paid its invoice rather than the balance. */
  private async invoicePayment(manager: EntityManager, order: TopupOrder): Promise<SettlementKey | null> {
    if (!order.invoiceId || order.ledgerEntryId) return null;
    const key: SettlementKey = {
      invoiceId: order.invoiceId,
      source: 'online',
      reference: topupLedgerRef(order.id),
    };
    return (await this.invoices.exists(manager, key)) ? key : null;
  }

  private async refund(
    tx: CreditTransaction,
    notice: PaymentReversalNotice,
    paid: Paid,
  ): Promise<SettlementOutcome> {
    const { order } = paid;
    // Acted on already (refund.created, then refund.updated saying the same): checked before the
    // amount, which the refund itself is now part of.
    const ref = refundLedgerRef(notice.reversalId);
    if ((await this.moved(tx, paid, ref)) !== null) return 'duplicate';
    const refundedMinor = order.refundedMinor + notice.amount.minor;
    // Stripe never refunds more than was charged: a refund that would is not this order's money.
    if (refundedMinor > order.chargeMinor) return 'amount_mismatch';
    // Taken as the share of the order's credit that the refunds so far make up, so partial refunds
    // that add up to the charge take back exactly what was credited, whatever the rounding of each.
    const refundedNano = shareOf(order, refundedMinor);
    const moved = await this.move(tx, paid, {
      takeNano: refundedNano - order.refundedNano,
      ref,
      note: `Stripe refund ${notice.reversalId} of order ${order.id}`,
    });
    if (!moved) return 'duplicate';
    const before = TopupOrderView.of(order);
    order.refundedMinor = refundedMinor;
    order.refundedNano = refundedNano;
    order.status = refundedMinor === order.chargeMinor ? 'refunded' : 'partially_refunded';
    await saveAuditedOrder(this.audit, tx.manager, order, before);
    return 'refunded';
  }

  /**
   * A refund that failed or was canceled: Stripe put the money back in the account, so the tenant
   * gets back exactly what the refund took, and the order no longer counts it as refunded. Its
   * success never heard of (it failed first, or never succeeded), it is taken now with what gives it
   * back, so a late delivery of that success finds the refund acted on.
   */
  private async restore(
    tx: CreditTransaction,
    notice: PaymentReversalNotice,
    paid: Paid,
  ): Promise<SettlementOutcome> {
    const { order } = paid;
    const ref = refundFailedLedgerRef(notice.reversalId);
    if ((await this.moved(tx, paid, ref)) !== null) return 'duplicate';
    const refundRef = refundLedgerRef(notice.reversalId);
    const note = `Stripe refund ${notice.reversalId} of order ${order.id}`;
    const counted = await this.moved(tx, paid, refundRef);
    const taken = counted ?? shareOf(order, notice.amount.minor);
    if (counted === null && !(await this.move(tx, paid, { takeNano: taken, ref: refundRef, note })))
      return 'duplicate';
    const given = await this.move(tx, paid, {
      takeNano: -taken,
      ref,
      note: `${note} failed: funds reinstated`,
    });
    if (!given) return 'duplicate';
    if (counted !== null) {
      const before = TopupOrderView.of(order);
      const minor = order.refundedMinor - notice.amount.minor;
      order.refundedMinor = minor > 0n ? minor : 0n;
      order.refundedNano -= taken;
      if (order.refundedNano < 0n) order.refundedNano = 0n;
      order.status = order.refundedMinor === 0n ? 'paid' : 'partially_refunded';
      await saveAuditedOrder(this.audit, tx.manager, order, before);
    }
    return 'refund_reversed';
  }

  /** Takes what the dispute disputes, unless it was taken before; whether it was taken now. */
  private async withdraw(tx: CreditTransaction, notice: PaymentReversalNotice, paid: Paid): Promise<boolean> {
    const { order } = paid;
    const ref = disputeLedgerRef(notice.reversalId);
    if ((await this.moved(tx, paid, ref)) !== null) return false;
    const disputed = notice.amount.minor < order.chargeMinor ? notice.amount.minor : order.chargeMinor;
    return this.move(tx, paid, {
      takeNano: shareOf(order, disputed),
      ref,
      note: `Stripe dispute ${notice.reversalId} of order ${order.id}: funds withdrawn`,
    });
  }

  /** Gives back exactly what the dispute took. */
  private async reinstate(
    tx: CreditTransaction,
    notice: PaymentReversalNotice,
    paid: Paid,
  ): Promise<SettlementOutcome> {
    const ref = disputeWonLedgerRef(notice.reversalId);
    if ((await this.moved(tx, paid, ref)) !== null) return 'duplicate';
    const taken = (await this.moved(tx, paid, disputeLedgerRef(notice.reversalId))) ?? 0n;
    const given = await this.move(tx, paid, {
      takeNano: -taken,
      ref,
      note: `Stripe dispute ${notice.reversalId} of order ${paid.order.id} won: funds reinstated`,
    });
    return given ? 'dispute_reinstated' : 'duplicate';
  }

  /**
   * What was moved under `ref`: nano-USD taken from the tenant (> 0: off its invoice payment or its
   * balance) or given back (< 0); null when nothing was recorded under it.
   */
  private async moved(tx: CreditTransaction, paid: Paid, ref: string): Promise<bigint | null> {
    const line = await tx.manager.findOneBy(LedgerEntry, {
      tenantId: paid.order.tenantId,
      kind: 'adjustment',
      ref,
    });
    const reversal = paid.invoicePayment
      ? await this.invoices.reversalOf(tx.manager, paid.invoicePayment, ref)
      : null;
    if (!line && !reversal) return null;
    return (reversal?.amountNano ?? 0n) - (line?.amountNano ?? 0n);
  }

  /**
   * Takes `takeNano` from the tenant (< 0: gives it back) under `ref`: from (or to) the invoice
   * payment the order made as far as it goes, the rest on the balance. Nothing when it is 0. false
   * when the ledger already held the ref (a concurrent delivery: then nothing else was written).
   */
  private async move(
    tx: CreditTransaction,
    { order, invoicePayment }: Paid,
    { takeNano, ref, note }: { takeNano: bigint; ref: string; note: string },
  ): Promise<boolean> {
    let rest = takeNano;
    let reversed = false;
    if (invoicePayment && takeNano !== 0n) {
      const result = await this.invoices.reverse(
        { settlement: invoicePayment, reference: ref, amountNano: takeNano, at: new Date() },
        tx.manager,
      );
      if (!result.created) return false;
      rest -= result.appliedNano;
      if (result.reversal) {
        reversed = true;
        await this.audit.record(
          {
            actor: null,
            tenantId: order.tenantId,
            action: 'create',
            entityType: INVOICE_PAYMENT_REVERSAL_AUDIT_TYPE,
            entityId: result.reversal.id,
            after: {
              invoiceId: result.reversal.invoiceId,
              settlementId: result.reversal.settlementId,
              orderId: order.id,
              reference: ref,
              amountUsd: nanoToUsd(result.reversal.amountNano),
              note,
              invoiceStatus: result.standing.status,
              balanceDueUsd: nanoToUsd(result.standing.balanceDueNano),
            },
          },
          tx.manager,
        );
      }
    }
    if (rest === 0n) return true;
    const entry = await this.appendAudited(tx, order, { amountNano: -rest, ref, note });
    // The order's row lock serialises its events, so the ledger refusing the ref after a reversal
    // was written cannot happen; should it, roll everything back rather than keep half of it.
    if (!entry && reversed) throw new Error(`ledger ref ${ref} exists while its reversal was new`);
    return entry !== null;
  }

  private async appendAudited(
    tx: CreditTransaction,
    order: TopupOrder,
    line: { amountNano: bigint; ref: string; note: string },
  ): Promise<LedgerEntry | null> {
    const entry = await tx.append({ tenantId: order.tenantId, kind: 'adjustment', createdBy: null, ...line });
    if (!entry) return null;
    await this.audit.record(
      {
        actor: null,
        tenantId: order.tenantId,
        action: 'create',
        entityType: LEDGER_ENTRY_AUDIT_TYPE,
        entityId: entry.id,
        after: { ...LedgerEntryView.of(entry) },
      },
      tx.manager,
    );
    return entry;
  }
}

/** The part of the order's credit that `minor` of its charge stands for, rounded half up. */
function shareOf(order: TopupOrder, minor: bigint): bigint {
  return (order.amountNano * minor * 2n + order.chargeMinor) / (2n * order.chargeMinor);
}
