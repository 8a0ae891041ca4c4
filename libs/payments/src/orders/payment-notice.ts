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
}
