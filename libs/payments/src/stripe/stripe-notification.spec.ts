import Stripe from 'stripe';
import { stripeNotice, stripeReversalNotice, verifyStripeEvent } from './stripe-notification';

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
      paymentIntent: null,
    });
    expect(notice('checkout.session.completed', { payment_intent: 'pi_1' })?.paymentIntent).toBe('pi_1');
    expect(notice('checkout.session.completed', { payment_intent: { id: 'pi_2' } })?.paymentIntent).toBe(
      'pi_2',
    );
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
    // Longer than the columns they are stored in: refused, not a failed insert answered 500.
    expect(read({ ...event('checkout.session.completed', {}), id: `evt_${'x'.repeat(252)}` })).toThrow(
      refusal('id'),
    );
    expect(read(event('checkout.session.completed', { payment_intent: `pi_${'x'.repeat(253)}` }))).toThrow(
      refusal('data.object.payment_intent'),
    );
    // An event top-ups do not act on needs no session.
    expect(stripeNotice({ id: 'evt_y', type: 'customer.created' } as unknown as Stripe.Event)).toBeNull();
  });

  describe('refunds and disputes', () => {
    const reversal = (type: string, object: Record<string, unknown>) =>
      stripeReversalNotice({
        id: 'evt_r',
        type,
        data: { object: { id: 're_1', amount: 700, currency: 'USD', payment_intent: 'pi_1', ...object } },
      } as unknown as Stripe.Event);

    it('reads a succeeded refund as one to debit, a pending one as nothing yet, a failed one as undone', () => {
      expect(reversal('refund.created', { status: 'succeeded' })).toEqual({
        provider: 'stripe',
        eventId: 'evt_r',
        type: 'refund.created',
        action: 'refund',
        reversalId: 're_1',
        paymentIntent: 'pi_1',
        amount: { currency: 'usd', minor: 700n },
      });
      expect(reversal('refund.updated', { status: 'succeeded' })?.action).toBe('refund');
      expect(reversal('refund.created', { status: 'pending' })?.action).toBe('none');
      expect(reversal('refund.created', { status: 'requires_action' })?.action).toBe('none');
      // Failed (even after it succeeded) or canceled: the money is back in the account.
      expect(reversal('refund.updated', { status: 'failed' })?.action).toBe('restore');
      expect(reversal('refund.failed', { status: 'failed' })?.action).toBe('restore');
      expect(reversal('refund.updated', { status: 'canceled' })?.action).toBe('restore');
      expect(
        reversal('refund.created', { status: 'succeeded', payment_intent: null })?.paymentIntent,
      ).toBeNull();
      // charge.refunded no longer lists its refunds: refund.created says the same, with the refund.
      expect(reversal('charge.refunded', { status: 'succeeded' })).toBeNull();
    });

    it('withdraws on a dispute, not on an inquiry; reinstates a won one, keeps a lost one withdrawn', () => {
      const dispute = (type: string, status: string) => reversal(type, { id: 'dp_1', status })?.action;
      expect(dispute('charge.dispute.created', 'needs_response')).toBe('withdraw');
      expect(dispute('charge.dispute.created', 'warning_needs_response')).toBe('none');
      expect(dispute('charge.dispute.created', 'prevented')).toBe('none');
      expect(dispute('charge.dispute.closed', 'won')).toBe('reinstate');
      expect(dispute('charge.dispute.closed', 'lost')).toBe('withdraw');
      expect(dispute('charge.dispute.closed', 'warning_closed')).toBe('none');
      expect(dispute('charge.dispute.updated', 'under_review')).toBeUndefined();
      // An inquiry escalated to a chargeback: Stripe says when it takes the money, whatever the status.
      expect(dispute('charge.dispute.funds_withdrawn', 'needs_response')).toBe('withdraw');
      expect(dispute('charge.dispute.funds_reinstated', 'won')).toBe('reinstate');
    });

    it('refuses a refund or dispute event without its object, amount or currency, naming the field', () => {
      const refusal = (field: string) =>
        expect.objectContaining({ code: 'validation_failed', fields: [expect.objectContaining({ field })] });
      const read = (event: unknown) => () => stripeReversalNotice(event as Stripe.Event);
      expect(read({ id: 'evt_x', type: 'refund.created' })).toThrow(refusal('data.object'));
      expect(read({ id: 'evt_x', type: 'charge.dispute.closed', data: { object: { amount: 1 } } })).toThrow(
        /Dispute/,
      );
      expect(() => reversal('refund.created', { amount: 7.5 })).toThrow(refusal('data.object.amount'));
      expect(() => reversal('refund.created', { amount: -1 })).toThrow(refusal('data.object.amount'));
      expect(() => reversal('refund.created', { currency: undefined })).toThrow(
        refusal('data.object.currency'),
      );
      // Ids that would not fit the ledger's ref or the order's payment intent column.
      expect(() => reversal('refund.created', { id: `re_${'x'.repeat(178)}` })).toThrow(
        refusal('data.object.id'),
      );
      expect(reversal('refund.created', { id: `re_${'x'.repeat(177)}` })?.reversalId).toHaveLength(180);
      expect(() => reversal('charge.dispute.created', { payment_intent: `pi_${'x'.repeat(253)}` })).toThrow(
        refusal('data.object.payment_intent'),
      );
    });
  });
});
