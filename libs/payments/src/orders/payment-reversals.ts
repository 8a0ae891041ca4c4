// Taking back what an online top-up credited when the provider says the money went back: a refund
// an operator made in Stripe's dashboard, or a cardholder's dispute (docs/design.md "Money"). One
// transaction, as for the credit (CreditPoster: the Redis mirror hears of each line after it commits):
//   1. the order is found by the payment intent the refund or dispute names, and locked; a payment
//      intent no order was paid with changes nothing and records nothing, so the event can be resent
//      from Stripe's dashboard once the order's payment has been heard of;
//   2. the event is recorded under its unique (provider, event id): a redelivery stops here;
//   3. each refund or dispute moves the balance once: its ledger line's ref names Stripe's refund or
//      dispute id, unique per tenant, so events that repeat it (refund.created then refund.updated,
//      a dispute's created then closed) or arrive out of order write nothing twice.
// The lines are `adjustment`s, the kind finance posted by hand for these, with a note naming the
// refund or dispute and the order; a debit may take the balance below zero (the money is gone
// either way), and then the relay refuses the tenant's requests until it is topped up.
import { Injectable, Logger } from '@nestjs/common';
import { AuditService } from '@gateway/audit';
import {
  CreditPoster,
  CreditTransaction,
  LEDGER_ENTRY_AUDIT_TYPE,
  LedgerEntry,
  LedgerEntryView,
} from '@gateway/billing';
import { EntityManager } from 'typeorm';
import { PaymentEvent } from '../entities/payment-event.entity';
import { TOPUP_ORDER_PAID_STATUSES, TopupOrder } from '../entities/topup-order.entity';
import type { PaymentReversalNotice } from './payment-notice';
import type { SettlementOutcome } from './payment-settlement';
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

@Injectable()
export class PaymentReversals {
  private readonly logger = new Logger(PaymentReversals.name);

  constructor(
    private readonly poster: CreditPoster,
    private readonly audit: AuditService,
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
    if (notice.action === 'refund') return this.refund(tx, notice, order);
    if (notice.action === 'restore') return this.restore(tx, notice, order);
    const withdrawn = await this.withdraw(tx, notice, order);
    if (notice.action === 'withdraw') return withdrawn ? 'dispute_withdrawn' : 'duplicate';
    return this.reinstate(tx, notice, order);
  }

  private async refund(
    tx: CreditTransaction,
    notice: PaymentReversalNotice,
    order: TopupOrder,
  ): Promise<SettlementOutcome> {
    // Acted on already (refund.created, then refund.updated saying the same): checked before the
    // amount, which the refund itself is now part of.
    const ref = refundLedgerRef(notice.reversalId);
    if (await tx.manager.existsBy(LedgerEntry, { tenantId: order.tenantId, kind: 'adjustment', ref }))
      return 'duplicate';
    const refundedMinor = order.refundedMinor + notice.amount.minor;
    // Stripe never refunds more than was charged: a refund that would is not this order's money.
    if (refundedMinor > order.chargeMinor) return 'amount_mismatch';
    // Taken as the share of the order's credit that the refunds so far make up, so partial refunds
    // that add up to the charge debit exactly what was credited, whatever the rounding of each.
    const refundedNano = shareOf(order, refundedMinor);
    const entry = await this.appendAudited(tx, order, {
      amountNano: -(refundedNano - order.refundedNano),
      ref,
      note: `Stripe refund ${notice.reversalId} of order ${order.id}`,
    });
    if (!entry) return 'duplicate';
    const before = TopupOrderView.of(order);
    order.refundedMinor = refundedMinor;
    order.refundedNano = refundedNano;
    order.status = refundedMinor === order.chargeMinor ? 'refunded' : 'partially_refunded';
    await saveAuditedOrder(this.audit, tx.manager, order, before);
    return 'refunded';
  }

  /**
   * A refund that failed or was canceled: Stripe put the money back in the account, so the balance
   * gets back exactly what the refund's line debited, and the order no longer counts it as refunded.
   * Its success never heard of (it failed first, or never succeeded), the debit is written now with
   * the credit that cancels it, so a late delivery of that success finds the refund acted on.
   */
  private async restore(
    tx: CreditTransaction,
    notice: PaymentReversalNotice,
    order: TopupOrder,
  ): Promise<SettlementOutcome> {
    const ref = refundFailedLedgerRef(notice.reversalId);
    if (await tx.manager.existsBy(LedgerEntry, { tenantId: order.tenantId, kind: 'adjustment', ref }))
      return 'duplicate';
    const debit = await tx.manager.findOneBy(LedgerEntry, {
      tenantId: order.tenantId,
      kind: 'adjustment',
      ref: refundLedgerRef(notice.reversalId),
    });
    const counted = debit !== null;
    const taken =
      debit ??
      (await this.appendAudited(tx, order, {
        amountNano: -shareOf(order, notice.amount.minor),
        ref: refundLedgerRef(notice.reversalId),
        note: `Stripe refund ${notice.reversalId} of order ${order.id}`,
      }));
    if (!taken) return 'duplicate';
    const entry = await this.appendAudited(tx, order, {
      amountNano: -taken.amountNano,
      ref,
      note: `Stripe refund ${notice.reversalId} of order ${order.id} failed: funds reinstated`,
    });
    if (!entry) return 'duplicate';
    if (counted) {
      const before = TopupOrderView.of(order);
      const minor = order.refundedMinor - notice.amount.minor;
      order.refundedMinor = minor > 0n ? minor : 0n;
      order.refundedNano += taken.amountNano;
      if (order.refundedNano < 0n) order.refundedNano = 0n;
      order.status = order.refundedMinor === 0n ? 'paid' : 'partially_refunded';
      await saveAuditedOrder(this.audit, tx.manager, order, before);
    }
    return 'refund_reversed';
  }

  /** The dispute's debit, unless it was written before; the line written, or null. */
  private withdraw(
    tx: CreditTransaction,
    notice: PaymentReversalNotice,
    order: TopupOrder,
  ): Promise<LedgerEntry | null> {
    const disputed = notice.amount.minor < order.chargeMinor ? notice.amount.minor : order.chargeMinor;
    return this.appendAudited(tx, order, {
      amountNano: -shareOf(order, disputed),
      ref: disputeLedgerRef(notice.reversalId),
      note: `Stripe dispute ${notice.reversalId} of order ${order.id}: funds withdrawn`,
    });
  }

  /** Gives back exactly what the dispute's debit took. */
  private async reinstate(
    tx: CreditTransaction,
    notice: PaymentReversalNotice,
    order: TopupOrder,
  ): Promise<SettlementOutcome> {
    const debit = await tx.manager.findOneByOrFail(LedgerEntry, {
      tenantId: order.tenantId,
      kind: 'adjustment',
      ref: disputeLedgerRef(notice.reversalId),
    });
    const entry = await this.appendAudited(tx, order, {
      amountNano: -debit.amountNano,
      ref: disputeWonLedgerRef(notice.reversalId),
      note: `Stripe dispute ${notice.reversalId} of order ${order.id} won: funds reinstated`,
    });
    return entry ? 'dispute_reinstated' : 'duplicate';
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
