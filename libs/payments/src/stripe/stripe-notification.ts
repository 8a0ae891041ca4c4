// Reading a Stripe webhook delivery: its signature checked with the official client against the
// endpoint's signing secret (and the timestamp within the tolerance, which stops replays of old
// deliveries), then the Checkout event turned into what it means for a top-up order, or the refund
// or dispute event into what it takes back from one.
import type Stripe from 'stripe';
import type { PaymentNotice, PaymentReversalNotice } from '../orders/payment-notice';
import { PaymentsError, PaymentsErrorCode } from '../payments.errors';
import { stripeSdk } from './stripe-client';

/** How old a signed delivery may be (Stripe's own default). */
export const STRIPE_SIGNATURE_TOLERANCE_S = 300;

/** Verifies and parses; throws when the signature does not verify. */
export function verifyStripeEvent(rawBody: Buffer, signature: string, webhookSecret: string): Stripe.Event {
  return stripeSdk().webhooks.constructEvent(rawBody, signature, webhookSecret, STRIPE_SIGNATURE_TOLERANCE_S);
}

/**
 * What a verified event says about an order, or null for events top-ups do not act on. A signed body
 * that is not such an event (no id or type, a Checkout event without its session) is a 400 naming
 * what is missing: Stripe never sends one, so it is a sender's bug, not a crash to answer 500 to.
 */
export function stripeNotice(event: Stripe.Event): PaymentNotice | null {
  const raw: unknown = event;
  if (!isObject(raw) || typeof raw['id'] !== 'string' || typeof raw['type'] !== 'string')
    throw malformed('the event must be a JSON object with a string id and type', 'type');
  if (raw['id'].length > STRIPE_ID_MAX_LENGTH)
    throw malformed(`id must be at most ${STRIPE_ID_MAX_LENGTH} characters`, 'id');
  switch (event.type) {
    case 'checkout.session.completed':
    case 'checkout.session.async_payment_succeeded':
    case 'checkout.session.async_payment_failed':
    case 'checkout.session.expired':
      break;
    default:
      return null;
  }
  const session = checkoutSession(event);
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
  // No amount (never the case for a paid session) matches no order: the settlement refuses it.
  const minor = session.amount_total ?? -1;
  if (!Number.isSafeInteger(minor))
    throw malformed(
      'data.object.amount_total must be a whole number of minor units',
      'data.object.amount_total',
    );
  return {
    ...base,
    outcome: 'paid',
    paid: { currency: session.currency ?? '', minor: BigInt(minor) },
    paymentIntent: boundedId(
      idOf(session.payment_intent),
      STRIPE_ID_MAX_LENGTH,
      'data.object.payment_intent',
    ),
  };
}

/**
 * What a verified refund or dispute event takes back, or null for other events. Refunds are read
 * from `refund.created` and `refund.updated`, which Stripe sends for every refund since API version
 * 2024-10-28 with the refund itself in data.object; `charge.refunded` carries only the charge (its
 * refunds are no longer listed in it), so it is not read. A refund counts once it has succeeded: a
 * pending one waits for the refund.updated that says so. One that fails (refund.failed, or
 * refund.updated saying `failed`, even after `succeeded`: the issuer may reject it days later) or is
 * canceled puts the money back in the account, so what it debited is given back. A dispute withdraws the money when it is
 * created, except an inquiry (`warning_*`) or a prevented one, which take nothing until
 * `charge.dispute.funds_withdrawn` says the money was taken after all (an inquiry escalated to a
 * chargeback); closing it `won`, or `charge.dispute.funds_reinstated`, reinstates it, `lost` leaves
 * it withdrawn (withdrawing it then if that was never heard of).
 */
export function stripeReversalNotice(event: Stripe.Event): PaymentReversalNotice | null {
  const refund =
    event.type === 'refund.created' || event.type === 'refund.updated' || event.type === 'refund.failed';
  const dispute = DISPUTE_EVENTS.has(event.type);
  if (!refund && !dispute) return null;
  const object = eventObject(event, refund ? 'Refund' : 'Dispute');
  const status = typeof object['status'] === 'string' ? object['status'] : '';
  let action: PaymentReversalNotice['action'];
  if (refund) action = status === 'succeeded' ? 'refund' : REFUND_UNDONE.has(status) ? 'restore' : 'none';
  else if (event.type === 'charge.dispute.created') action = withdrawsFunds(status) ? 'withdraw' : 'none';
  // Stripe says outright that it took the money (an inquiry escalated to a chargeback) or gave it back.
  else if (event.type === 'charge.dispute.funds_withdrawn') action = 'withdraw';
  else if (event.type === 'charge.dispute.funds_reinstated') action = 'reinstate';
  else action = status === 'won' ? 'reinstate' : status === 'lost' ? 'withdraw' : 'none';
  const minor = object['amount'];
  if (typeof minor !== 'number' || !Number.isSafeInteger(minor) || minor < 0)
    throw malformed('data.object.amount must be a whole number of minor units', 'data.object.amount');
  const currency = object['currency'];
  if (typeof currency !== 'string')
    throw malformed('data.object.currency must be a string', 'data.object.currency');
  return {
    provider: 'stripe',
    eventId: event.id,
    type: event.type,
    action,
    reversalId: boundedId(object['id'] as string, REVERSAL_ID_MAX_LENGTH, 'data.object.id'),
    paymentIntent: boundedId(
      idOf(object['payment_intent']),
      STRIPE_ID_MAX_LENGTH,
      'data.object.payment_intent',
    ),
    amount: { currency: currency.toLowerCase(), minor: BigInt(minor) },
  };
}

/**
 * An id longer than its column would fail the insert and answer 500, which Stripe retries for days:
 * a signed body carrying one is refused as malformed instead. Stripe's own ids are about 30
 * characters, documented as at most 255 (payment_events.event_id, topup_orders.payment_intent).
 */
const STRIPE_ID_MAX_LENGTH = 255;
/** A refund or dispute id must fit the ledger's 200-character ref behind `stripe-dispute-won:`. */
const REVERSAL_ID_MAX_LENGTH = 180;

function boundedId<T extends string | null>(id: T, max: number, field: string): T {
  if (id !== null && id.length > max) throw malformed(`${field} must be at most ${max} characters`, field);
  return id;
}

/** The dispute events read; each names the dispute, whose withdrawal and reinstatement happen once. */
const DISPUTE_EVENTS = new Set([
  'charge.dispute.created',
  'charge.dispute.funds_withdrawn',
  'charge.dispute.funds_reinstated',
  'charge.dispute.closed',
]);

/** A refund's statuses once its money is back in the account (Stripe's refund object, `status`). */
const REFUND_UNDONE = new Set(['failed', 'canceled']);

/** An inquiry or a prevented dispute withdraws nothing from the account. */
function withdrawsFunds(status: string): boolean {
  return !status.startsWith('warning_') && status !== 'prevented';
}

/** An expandable field: its id, whether Stripe sent the id or the object. */
function idOf(field: unknown): string | null {
  if (typeof field === 'string') return field;
  return isObject(field) && typeof field['id'] === 'string' ? field['id'] : null;
}

/** The object (with an id) an event carries in data.object; `what` names it in the refusal. */
function eventObject(event: Stripe.Event, what: string): Record<string, unknown> {
  const data: unknown = (event as { data?: unknown }).data;
  const object = isObject(data) ? data['object'] : undefined;
  if (!isObject(object) || typeof object['id'] !== 'string')
    throw malformed(
      `a ${event.type} event must carry its ${what} (with an id) in data.object`,
      'data.object',
    );
  return object;
}

/** The Checkout Session a checkout.session.* event carries in data.object. */
function checkoutSession(event: Stripe.Event): Stripe.Checkout.Session {
  const data: unknown = (event as { data?: unknown }).data;
  const session = isObject(data) ? data['object'] : undefined;
  if (!isObject(session) || typeof session['id'] !== 'string')
    throw malformed(
      `a ${event.type} event must carry its Checkout Session (with an id) in data.object`,
      'data.object',
    );
  return session as unknown as Stripe.Checkout.Session;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function malformed(message: string, field: string): PaymentsError {
  return new PaymentsError(
    PaymentsErrorCode.ValidationFailed,
    `the notification is not a Stripe event: ${message}`,
    {
      field,
    },
  );
}
