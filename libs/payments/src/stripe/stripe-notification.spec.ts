import Stripe from 'stripe';
import { stripeNotice, verifyStripeEvent } from './stripe-notification';

const SECRET = 'whsec_dGVzdHNlY3JldGZvcnVuaXRz';
const stripe = new Stripe('sk_test_unit', { telemetry: false });

function event(type: string, session: Record<string, unknown>) {
  return {
    id: 'evt_1',
    object: 'event',
    type,
    data: {
      object: {
        id: 'cs_test_1',
        object: 'checkout.session',
        client_reference_id: 'order-1',
        metadata: {},
        payment_status: 'paid',
        amount_total: 2500,
        currency: 'usd',
        ...session,
      },
    },
  };
}

describe('Stripe notifications', () => {
  const payload = JSON.stringify(event('checkout.session.completed', {}));

  it('verifies a delivery signed with the endpoint’s secret', () => {
    const header = stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET });
    expect(verifyStripeEvent(Buffer.from(payload), header, SECRET).id).toBe('evt_1');
  });

  it('refuses another secret, an altered body and a delivery older than 5 minutes', () => {
    const header = stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET });
    expect(() => verifyStripeEvent(Buffer.from(payload), header, `${SECRET}x`)).toThrow();
    expect(() => verifyStripeEvent(Buffer.from(payload.replace('2500', '25000')), header, SECRET)).toThrow();
    const old = stripe.webhooks.generateTestHeaderString({
      payload,
      secret: SECRET,
      timestamp: Math.floor(Date.now() / 1000) - 301,
    });
    expect(() => verifyStripeEvent(Buffer.from(payload), old, SECRET)).toThrow(/tolerance/);
  });

  it('reads a paid session as paid with its amount, and the others as what they say', () => {
    const notice = (type: string, session: Record<string, unknown> = {}) =>
      stripeNotice(event(type, session) as unknown as Stripe.Event);
    expect(notice('checkout.session.completed')).toEqual({
      provider: 'stripe',
      eventId: 'evt_1',
      type: 'checkout.session.completed',
      orderId: 'order-1',
      providerRef: 'cs_test_1',
      outcome: 'paid',
      paid: { currency: 'usd', minor: 2500n },
    });
    expect(notice('checkout.session.completed', { payment_status: 'unpaid' })?.outcome).toBe('pending');
    expect(notice('checkout.session.async_payment_succeeded')?.outcome).toBe('paid');
    expect(notice('checkout.session.async_payment_failed')?.outcome).toBe('failed');
    expect(notice('checkout.session.expired', { payment_status: 'unpaid' })?.outcome).toBe('expired');
    expect(
      notice('checkout.session.completed', { client_reference_id: null, metadata: { order_id: 'o2' } })
        ?.orderId,
    ).toBe('o2');
    expect(notice('payment_intent.succeeded')).toBeNull();
  });

  it('refuses a signed body that is not a Checkout event with a 400 naming what is missing', () => {
    const read = (body: unknown) => () => stripeNotice(body as Stripe.Event);
    const refusal = (field: string) =>
      expect.objectContaining({
        code: 'validation_failed',
        status: 400,
        fields: [expect.objectContaining({ field })],
      });
    expect(read({ id: 'evt_x', type: 'checkout.session.completed' })).toThrow(refusal('data.object'));
    expect(read({ id: 'evt_x', type: 'checkout.session.expired', data: { object: null } })).toThrow(
      /data\.object/,
    );
    expect(read([])).toThrow(refusal('type'));
    expect(read(null)).toThrow(/id and type/);
    expect(read(event('checkout.session.completed', { amount_total: 12.5 }))).toThrow(
      refusal('data.object.amount_total'),
    );
    // An event top-ups do not act on needs no session.
    expect(stripeNotice({ id: 'evt_y', type: 'customer.created' } as unknown as Stripe.Event)).toBeNull();
  });
});
