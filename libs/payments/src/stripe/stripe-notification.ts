// Reading a Stripe webhook delivery: its signature checked with the official client against the
// endpoint's signing secret (and the timestamp within the tolerance, which stops replays of old
// deliveries), then the Checkout event turned into what it means for a top-up order.
import type Stripe from 'stripe';
import type { PaymentNotice } from '../orders/payment-notice';
import { stripeSdk } from './stripe-client';

/** How old a signed delivery may be (Stripe's own default). */
export const STRIPE_SIGNATURE_TOLERANCE_S = 300;

/** Verifies and parses; throws when the signature does not verify. */
export function verifyStripeEvent(rawBody: Buffer, signature: string, webhookSecret: string): Stripe.Event {
  return stripeSdk().webhooks.constructEvent(rawBody, signature, webhookSecret, STRIPE_SIGNATURE_TOLERANCE_S);
}

/** What a verified event says about an order, or null for events top-ups do not act on. */
export function stripeNotice(event: Stripe.Event): PaymentNotice | null {
  switch (event.type) {
    case 'checkout.session.completed':
    case 'checkout.session.async_payment_succeeded':
    case 'checkout.session.async_payment_failed':
    case 'checkout.session.expired':
      break;
    default:
      return null;
  }
  const session = event.data.object;
  const orderId = session.client_reference_id ?? session.metadata?.['order_id'] ?? null;
  const base = {
    provider: 'stripe' as const,
    eventId: event.id,
    type: event.type,
    orderId,
    providerRef: session.id,
  };
  if (event.type === 'checkout.session.expired') return { ...base, outcome: 'expired' };
  if (event.type === 'checkout.session.async_payment_failed') return { ...base, outcome: 'failed' };
  // Completed but not yet paid (a delayed method such as a bank debit): wait for async_payment_succeeded.
  if (session.payment_status !== 'paid') return { ...base, outcome: 'pending' };
  return {
    ...base,
    outcome: 'paid',
    paid: { currency: session.currency ?? '', minor: BigInt(session.amount_total ?? -1) },
  };
}
