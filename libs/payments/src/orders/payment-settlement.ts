// Acting on a verified provider notification, exactly once. One transaction (CreditPoster: the
// Redis balance mirror hears of the credit only after it commits, docs/design.md "Money"):
//   1. the event is recorded under its unique (provider, event id): a redelivery stops here;
//   2. the order is locked, so concurrent deliveries of different events for it serialise;
//   3. a paid order is never credited again; the amount and currency paid must be the order's;
//   4. the credit is a `topup` ledger line with ref `payment:<order id>`, unique per tenant, which
//      the ledger writer refuses to append twice;
//   5. a paid order keeps Stripe's payment intent, which its refunds and disputes name
//      (PaymentReversals);
//   6. an order naming an invoice pays that invoice instead (InvoiceSettlements, reference
//      `payment:<order id>`, idempotent), in the same transaction: the money settles the invoice and
//      the prepaid balance is untouched. If the invoice was meanwhile paid or credited (a manual
//      payment, a credit note), the money taken is credited to the balance, as a plain top-up.
import { Injectable, Logger } from '@nestjs/common';
import { AuditService } from '@gateway/audit';
import { CreditPoster } from '@gateway/billing';
import { InvoiceError, InvoiceSettlements } from '@gateway/invoices';
import { isUUID } from 'class-validator';
import { EntityManager, Not } from 'typeorm';
import { PaymentEvent } from '../entities/payment-event.entity';
import { TOPUP_ORDER_PAID_STATUSES, TopupOrder } from '../entities/topup-order.entity';
import { lockPaymentIntent } from './payment-intent-lock';
import type { PaymentNotice } from './payment-notice';
import { saveAuditedOrder } from './save-audited-order';
import { TopupOrderView } from './views/topup-order.view';

export type SettlementOutcome =
  | 'credited'
  | 'invoice_settled'
  | 'duplicate'
  | 'amount_mismatch'
  | 'failed'
  | 'expired'
  | 'unknown_order'
  // A paid session whose payment intent another order was paid with: nothing changes.
  | 'payment_intent_conflict'
  | 'ignored'
  // What a refund or dispute did (PaymentReversals).
  | 'refunded'
  | 'refund_reversed'
  | 'dispute_withdrawn'
  | 'dispute_reinstated'
  | 'unknown_charge';

export function topupLedgerRef(orderId: string): string {
  return `payment:${orderId}`;
}

const PROVIDER_NAMES = { stripe: 'Stripe', epay: 'EPay' } as const;

@Injectable()
export class PaymentSettlement {
  private readonly logger = new Logger(PaymentSettlement.name);

  constructor(
    private readonly poster: CreditPoster,
    private readonly audit: AuditService,
    private readonly invoices: InvoiceSettlements,
  ) {}

  async apply(received: PaymentNotice): Promise<SettlementOutcome> {
    // Our orders' ids are UUIDs: any other id a provider echoes (another integration's session on the
    // same account) names no order of ours, and must not reach the uuid columns.
    const notice = isUUID(received.orderId ?? '') ? received : { ...received, orderId: null };
    return this.poster.run(async ({ manager, append }) => {
      const inserted = await manager
        .createQueryBuilder()
        .insert()
        .into(PaymentEvent)
        .values({
          provider: notice.provider,
          eventId: notice.eventId,
          type: notice.type.slice(0, 64),
          orderId: notice.orderId,
          outcome: 'received',
        })
        .orIgnore()
        .returning(['id'])
        .execute();
      const eventRowId = (inserted.raw as { id: string }[])[0]?.id;
      if (!eventRowId) return 'duplicate';
      const outcome = await this.act(manager, notice, append);
      await manager.update(PaymentEvent, { id: eventRowId }, { outcome });
      return outcome;
    });
  }

  private async act(
    manager: EntityManager,
    notice: PaymentNotice,
    append: Parameters<Parameters<CreditPoster['run']>[0]>[0]['append'],
  ): Promise<SettlementOutcome> {
    if (!notice.orderId) return 'unknown_order';
    const order = await manager.findOne(TopupOrder, {
      where: { id: notice.orderId, provider: notice.provider },
      lock: { mode: 'pessimistic_write' },
    });
    if (!order) return 'unknown_order';
    // A Checkout session names its order; it must be the session the order was created with.
    if (order.provider === 'stripe' && order.providerRef !== notice.providerRef) return 'unknown_order';
    // Refunded since is paid too: its money was credited once already.
    if (TOPUP_ORDER_PAID_STATUSES.includes(order.status)) return 'duplicate';
    const before = TopupOrderView.of(order);

    if (notice.outcome === 'pending') return 'ignored';
    if (notice.outcome === 'failed' || notice.outcome === 'expired') {
      if (order.status !== 'pending') return 'ignored';
      order.status = notice.outcome;
      order.failureReason = notice.outcome === 'failed' ? 'payment_failed' : null;
      await saveAuditedOrder(this.audit, manager, order, before);
      return notice.outcome;
    }

    if (notice.paymentIntent && (await this.paymentIntentTaken(manager, order, notice.paymentIntent))) {
      // Stripe makes one payment intent per session: another order holding it is a mix-up (a session
      // of another integration echoing our order's id, a tampered test event) that a retry cannot
      // mend, so it is acknowledged (Stripe retries any other answer for days), logged, and changes
      // nothing, neither order nor balance.
      this.logger.warn(
        { eventId: notice.eventId, orderId: order.id, paymentIntent: notice.paymentIntent },
        'a paid Checkout session names a payment intent another order was paid with; nothing changed',
      );
      return 'payment_intent_conflict';
    }
    const paid = notice.paid;
    if (!paid || paid.currency.toLowerCase() !== order.currency || paid.minor !== order.chargeMinor) {
      // Nothing is credited; the order says why, for an operator to look into.
      order.status = 'failed';
      order.failureReason = 'amount_mismatch';
      await saveAuditedOrder(this.audit, manager, order, before);
      return 'amount_mismatch';
    }
    // Paid beats expired: the customer's money was taken, so the order is credited.
    if (order.invoiceId && (await this.settleInvoice(manager, order, notice))) {
      Object.assign(order, {
        status: 'paid',
        failureReason: null,
        paidAt: new Date(),
        providerRef: notice.providerRef,
        paymentIntent: notice.paymentIntent ?? null,
      });
      await saveAuditedOrder(this.audit, manager, order, before);
      return 'invoice_settled';
    }
    const entry = await append({
      tenantId: order.tenantId,
      kind: 'topup',
      amountNano: order.amountNano,
      ref: topupLedgerRef(order.id),
      note: `${PROVIDER_NAMES[order.provider]}${order.method ? ` ${order.method}` : ''} ${notice.providerRef}`,
      createdBy: order.createdBy,
    });
    if (!entry) return 'duplicate';
    Object.assign(order, {
      status: 'paid',
      failureReason: null,
      paidAt: new Date(),
      ledgerEntryId: entry.id,
      providerRef: notice.providerRef,
      paymentIntent: notice.paymentIntent ?? null,
    });
    await saveAuditedOrder(this.audit, manager, order, before);
    return 'credited';
  }

  /**
   * Whether another order holds the payment intent. Taken under a transaction lock on the payment
   * intent, so two orders' concurrent deliveries naming the same one cannot both pass and the second
   * fail on the unique index (a 500).
   */
  private async paymentIntentTaken(
    manager: EntityManager,
    order: TopupOrder,
    paymentIntent: string,
  ): Promise<boolean> {
    await lockPaymentIntent(manager, order.provider, paymentIntent);
    return manager.existsBy(TopupOrder, {
      provider: order.provider,
      paymentIntent,
      id: Not(order.id),
    });
  }

  /** false when the invoice can no longer take this payment (then the balance is credited). */
  private async settleInvoice(
    manager: EntityManager,
    order: TopupOrder,
    notice: PaymentNotice,
  ): Promise<boolean> {
    try {
      // Checks run before anything is written, so a refusal leaves the transaction usable.
      await this.invoices.settle(
        {
          invoiceId: order.invoiceId as string,
          amountNano: order.amountNano,
          reference: topupLedgerRef(order.id),
          source: 'online',
          paidAt: new Date(),
          recordedBy: null,
        },
        manager,
      );
      return true;
    } catch (error) {
      if (!(error instanceof InvoiceError)) throw error;
      this.logger.warn(
        { orderId: order.id, invoiceId: order.invoiceId, providerRef: notice.providerRef, code: error.code },
        'an online invoice payment arrived for an invoice that cannot take it; crediting the balance',
      );
      return false;
    }
  }
}
