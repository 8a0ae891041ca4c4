import type { PaymentProviderKind } from '../providers/payment-provider-kinds';

/** A verified provider notification, as the settlement reads it whatever the provider. */
export interface PaymentNotice {
  provider: PaymentProviderKind;
  /** Unique per provider: a redelivery carries the same id. */
  eventId: string;
  type: string;
  /** Our order's id as the provider echoes it; null when it names none. */
  orderId: string | null;
  /** The provider's id of the payment (Checkout session, EPay trade_no). */
  providerRef: string;
  /** paid: credit (once); failed/expired: close a pending order; pending: nothing yet. */
  outcome: 'paid' | 'failed' | 'expired' | 'pending';
  /** What the provider says was paid: lower-case currency and minor units. */
  paid?: { currency: string; minor: bigint };
  /** Stripe's payment intent of a paid session: later refunds and disputes name it. */
  paymentIntent?: string | null;
}

/**
 * A verified notification that money already credited went back (docs/design.md "Money"). "Debited"
 * below is from the balance for a top-up, and off the invoice's payment (reopening the invoice) for
 * an order that paid one:
 * - refund: a refund that succeeded; what it refunded is debited, once per refund;
 * - withdraw: a dispute took the money (created, funds_withdrawn, or closed lost); what it disputes
 *   is debited, once per dispute;
 * - reinstate: a dispute was won; what it debited is credited back (debiting first when the
 *   dispute's creation was never heard of, so the two lines net to nothing in either order);
 * - restore: a refund failed or was canceled, and Stripe put the money back in the account: what
 *   it debited is credited back (debiting first when its success was never heard of, so a late
 *   delivery of that success finds it acted on and the two lines net to nothing);
 * - none: nothing to do yet (a pending refund, an inquiry that withdrew nothing, …).
 */
export interface PaymentReversalNotice {
  provider: 'stripe';
  eventId: string;
  type: string;
  action: 'refund' | 'restore' | 'withdraw' | 'reinstate' | 'none';
  /** Stripe's id of the refund (re_…) or dispute (dp_…): each is acted on once. */
  reversalId: string;
  /** The payment intent it names, which finds the order; null when it names none. */
  paymentIntent: string | null;
  /** What it refunds or disputes: lower-case currency and minor units. */
  amount: { currency: string; minor: bigint };
}
