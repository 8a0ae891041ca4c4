// Stripe refunds and disputes end to end: a top-up paid through the local fake of Stripe is refunded
// (in full, in parts) or disputed in Stripe's dashboard, Stripe's signed `refund.*` and
// `charge.dispute.*` deliveries reach the webhook, and the balance gives back exactly what they take,
// once per refund or dispute however often and in whatever order Stripe sends them.
import { randomUUID } from 'node:crypto';
import { AuditLog } from '@gateway/audit';
import { BalanceMirror, LedgerEntry } from '@gateway/billing';
import { nanoToUsd, usdToNano } from '@gateway/db';
import { Role, Tenant } from '@gateway/identity';
import { PaymentEvent } from '@gateway/payments';
import { DataSource } from 'typeorm';
import { ApiHarness, startApi } from '../api-harness';
import { seedTenant, Session, sessionAs } from '../fixtures';
import { FakeStripe, startFakeStripe } from './fake-stripe';
import { seedOpenInvoice } from './open-invoice';

interface OrderView {
  id: string;
  status: string;
  providerRef: string | null;
  paymentIntent: string | null;
  refundedUsd: string;
}

interface InvoiceStandingView {
  status: string;
  paidUsd: string;
  balanceDueUsd: string;
  settlements: { reference: string; source: string; amountUsd: string; reversedUsd: string }[];
}

interface LedgerLineView {
  id: string;
  kind: string;
  amountUsd: string;
  ref: string | null;
  note: string | null;
}

const WEBHOOK_SECRET = 'whsec_cmVmdW5kc2FuZGRpc3B1dGVz';

describe('payments: Stripe refunds and disputes take back what a top-up credited', () => {
  let api: ApiHarness;
  let stripe: FakeStripe;
  let db: DataSource;
  let root: Session;
  let tenant: Tenant;
  let owner: Session;
  let webhookUrl: string;

  const balanceNano = async () => {
    const usd = (await owner.get(`/api/tenants/${tenant.id}/balance`).expect(200)).body.balanceUsd as string;
    // A refund may take it below zero.
    return usd.startsWith('-') ? -usdToNano(usd.slice(1)) : usdToNano(usd);
  };
  const order = async (id: string): Promise<OrderView> =>
    (await owner.get(`/api/tenants/${tenant.id}/topup-orders/${id}`).expect(200)).body as OrderView;
  /** The tenant's ledger as the console reads it, newest first. */
  const ledger = async (): Promise<LedgerLineView[]> =>
    (await owner.get(`/api/tenants/${tenant.id}/ledger?pageSize=100`).expect(200)).body
      .items as LedgerLineView[];
  const linesFor = async (ref: string) => (await ledger()).filter((line) => line.ref === ref);
  const deliver = async (event: ReturnType<FakeStripe['event']>) =>
    stripe.deliver(webhookUrl, event, WEBHOOK_SECRET);
  /** A Stripe top-up of `amountUsd`, paid: its order and session id. */
  const paidTopup = async (amountUsd: string) => {
    const created = (
      await owner
        .post(`/api/tenants/${tenant.id}/topup-orders`, { amountUsd, provider: 'stripe' })
        .expect(201)
    ).body as OrderView;
    const session = created.providerRef ?? '';
    expect((await deliver(stripe.event(session))).body).toMatchObject({ outcome: 'credited' });
    return { id: created.id, session };
  };
  const expectMirrorExact = async () =>
    expect((await api.app.get(BalanceMirror).snapshot(tenant.id))?.balance).toBe(await balanceNano());

  beforeAll(async () => {
    stripe = await startFakeStripe();
    api = await startApi('payments-refunds', { STRIPE_API_URL: stripe.url });
    db = api.app.get(DataSource);
    webhookUrl = `${api.url}/api/payments/stripe/webhook`;
    root = await sessionAs(api, Role.SuperAdmin, null);
    tenant = await seedTenant(api);
    owner = await sessionAs(api, Role.Owner, tenant.id);
    await root
      .patch('/api/payment-providers/stripe', {
        secretKey: stripe.secretKey,
        webhookSecret: WEBHOOK_SECRET,
        enabled: true,
      })
      .expect(200);
    // The hot path's mirror, loaded, so each test sees the lines applied to it too.
    await api.app.get(BalanceMirror).live(tenant.id, { id: randomUUID(), quotaNano: null, quotaEpoch: 0 });
  });
  afterAll(async () => {
    await api?.close();
    await stripe?.close();
  });

  it('debits a full refund once, as an audited adjustment naming the refund and the order', async () => {
    const paid = await paidTopup('20');
    const before = await balanceNano();

    const refund = stripe.refundEvent(paid.session, { id: 're_full_1', amount: 2000 });
    expect(await deliver(refund)).toEqual({ status: 200, body: { received: true, outcome: 'refunded' } });
    expect(before - (await balanceNano())).toBe(20_000_000_000n);
    const [line, ...more] = await linesFor('stripe-refund:re_full_1');
    expect(more).toEqual([]);
    expect(line).toMatchObject({
      kind: 'adjustment',
      amountUsd: '-20',
      note: `Stripe refund re_full_1 of order ${paid.id}`,
    });
    expect(await order(paid.id)).toMatchObject({
      status: 'refunded',
      refundedUsd: '20',
      paymentIntent: stripe.sessions.get(paid.session)?.payment_intent,
    });
    const audit = await db.getRepository(AuditLog).findBy({ tenantId: tenant.id, entityId: line?.id });
    expect(audit).toEqual([expect.objectContaining({ entityType: 'ledger_entry', action: 'create' })]);
    const orderAudit = await db
      .getRepository(AuditLog)
      .findBy({ tenantId: tenant.id, entityType: 'topup_order', entityId: paid.id });
    expect(orderAudit.map((entry) => (entry.after as { status?: string } | null)?.status)).toContain(
      'refunded',
    );
    await expectMirrorExact();

    // Stripe retries the delivery, sends refund.updated for the same refund, and the session's
    // payment again: none of them moves the balance.
    expect((await deliver(refund)).body).toMatchObject({ outcome: 'duplicate' });
    const updated = stripe.refundEvent(paid.session, { id: 're_full_1', amount: 2000 }, 'refund.updated');
    expect((await deliver(updated)).body).toMatchObject({ outcome: 'duplicate' });
    const paidAgain = stripe.event(paid.session, 'checkout.session.async_payment_succeeded');
    expect((await deliver(paidAgain)).body).toMatchObject({ outcome: 'duplicate' });
    expect(before - (await balanceNano())).toBe(20_000_000_000n);
    expect(await linesFor('stripe-refund:re_full_1')).toHaveLength(1);
    await expectMirrorExact();
  });

  it('debits partial refunds each once, waiting for a pending one to succeed', async () => {
    const paid = await paidTopup('10');
    const before = await balanceNano();

    const first = stripe.refundEvent(paid.session, { id: 're_part_1', amount: 300 });
    expect((await deliver(first)).body).toMatchObject({ outcome: 'refunded' });
    expect(before - (await balanceNano())).toBe(3_000_000_000n);
    expect(await order(paid.id)).toMatchObject({ status: 'partially_refunded', refundedUsd: '3' });

    // A refund still pending takes nothing until Stripe says it succeeded.
    const pending = stripe.refundEvent(paid.session, { id: 're_part_2', amount: 700, status: 'pending' });
    expect((await deliver(pending)).body).toMatchObject({ outcome: 'ignored' });
    expect(before - (await balanceNano())).toBe(3_000_000_000n);
    const succeeded = stripe.refundEvent(paid.session, { id: 're_part_2', amount: 700 }, 'refund.updated');
    expect((await deliver(succeeded)).body).toMatchObject({ outcome: 'refunded' });
    expect(before - (await balanceNano())).toBe(10_000_000_000n);
    expect(await order(paid.id)).toMatchObject({ status: 'refunded', refundedUsd: '10' });
    expect((await linesFor('stripe-refund:re_part_2'))[0]).toMatchObject({ amountUsd: '-7' });

    // More than was charged is no refund of this order: 400, nothing debited.
    const beyond = await deliver(stripe.refundEvent(paid.session, { id: 're_part_3', amount: 1 }));
    expect(beyond.status).toBe(400);
    expect(beyond.body).toMatchObject({ code: 'payment_amount_mismatch' });
    expect((beyond.body as { message: string }).message).toContain('nothing was debited');
    expect(before - (await balanceNano())).toBe(10_000_000_000n);
    expect(await linesFor('stripe-refund:re_part_3')).toEqual([]);
    await expectMirrorExact();
  });

  it('acts on a refund heard of before the payment once Stripe resends it', async () => {
    const created = (
      await owner
        .post(`/api/tenants/${tenant.id}/topup-orders`, { amountUsd: '6', provider: 'stripe' })
        .expect(201)
    ).body as OrderView;
    const session = created.providerRef ?? '';
    const payment = stripe.event(session); // made first; delivered late
    const refund = stripe.refundEvent(session, { id: 're_early', amount: 600 });
    const before = await balanceNano();

    // The refund arrives first: no paid order has that payment intent yet, so nothing changes and
    // nothing is recorded (2xx, so Stripe stops retrying it).
    expect(await deliver(refund)).toEqual({
      status: 200,
      body: { received: true, outcome: 'unknown_charge' },
    });
    expect(await balanceNano()).toBe(before);
    expect(await db.getRepository(PaymentEvent).countBy({ eventId: refund.id })).toBe(0);
    expect(await order(created.id)).toMatchObject({ status: 'pending', paymentIntent: null });

    expect((await deliver(payment)).body).toMatchObject({ outcome: 'credited' });
    // Resent from Stripe's dashboard (the same event), it now refunds the paid order.
    expect((await deliver(refund)).body).toMatchObject({ outcome: 'refunded' });
    expect(await balanceNano()).toBe(before);
    expect(await order(created.id)).toMatchObject({ status: 'refunded' });
    await expectMirrorExact();
  });

  it('debits a refund once when its deliveries arrive at the same time', async () => {
    const paid = await paidTopup('7');
    const before = await balanceNano();
    const created = stripe.refundEvent(paid.session, { id: 're_race', amount: 700 });
    const updated = stripe.refundEvent(paid.session, { id: 're_race', amount: 700 }, 'refund.updated');
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => deliver(i % 2 === 0 ? created : updated)),
    );
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(200));
    const outcomes = results.map((r) => (r.body as { outcome: string }).outcome);
    expect(outcomes.filter((o) => o === 'refunded')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(7);
    expect(before - (await balanceNano())).toBe(7_000_000_000n);
    expect(await linesFor('stripe-refund:re_race')).toHaveLength(1);
    await expectMirrorExact();
  });

  it('withdraws a disputed amount, and leaves it withdrawn when the dispute is lost', async () => {
    const paid = await paidTopup('8');
    const before = await balanceNano();
    // An inquiry withdraws nothing.
    const inquiry = stripe.disputeEvent(paid.session, {
      id: 'dp_inquiry',
      amount: 800,
      status: 'warning_needs_response',
    });
    expect((await deliver(inquiry)).body).toMatchObject({ outcome: 'ignored' });
    expect(await balanceNano()).toBe(before);

    const opened = stripe.disputeEvent(paid.session, { id: 'dp_lost', amount: 500 });
    expect((await deliver(opened)).body).toMatchObject({ outcome: 'dispute_withdrawn' });
    expect(before - (await balanceNano())).toBe(5_000_000_000n);
    expect(await linesFor('stripe-dispute:dp_lost')).toEqual([
      expect.objectContaining({
        kind: 'adjustment',
        amountUsd: '-5',
        note: `Stripe dispute dp_lost of order ${paid.id}: funds withdrawn`,
      }),
    ]);
    expect((await deliver(opened)).body).toMatchObject({ outcome: 'duplicate' });
    const lost = stripe.disputeEvent(
      paid.session,
      { id: 'dp_lost', amount: 500, status: 'lost' },
      'charge.dispute.closed',
    );
    expect((await deliver(lost)).body).toMatchObject({ outcome: 'duplicate' });
    expect(before - (await balanceNano())).toBe(5_000_000_000n);
    expect(await linesFor('stripe-dispute-won:dp_lost')).toEqual([]);
    await expectMirrorExact();
  });

  it('gives a won dispute back, whichever of its events arrives first', async () => {
    const paid = await paidTopup('4');
    const before = await balanceNano();
    const opened = stripe.disputeEvent(paid.session, { id: 'dp_won', amount: 400 });
    const won = stripe.disputeEvent(
      paid.session,
      { id: 'dp_won', amount: 400, status: 'won' },
      'charge.dispute.closed',
    );
    expect((await deliver(opened)).body).toMatchObject({ outcome: 'dispute_withdrawn' });
    expect(before - (await balanceNano())).toBe(4_000_000_000n);
    expect((await deliver(won)).body).toMatchObject({ outcome: 'dispute_reinstated' });
    expect(await balanceNano()).toBe(before);
    expect((await linesFor('stripe-dispute-won:dp_won'))[0]).toMatchObject({
      amountUsd: '4',
      note: `Stripe dispute dp_won of order ${paid.id} won: funds reinstated`,
    });
    expect((await deliver(won)).body).toMatchObject({ outcome: 'duplicate' });

    // Closed as won before its creation is heard of: the two lines net to nothing, and the late
    // creation withdraws nothing more.
    const other = await paidTopup('3');
    const beforeOther = await balanceNano();
    const wonFirst = stripe.disputeEvent(
      other.session,
      { id: 'dp_won_first', amount: 300, status: 'won' },
      'charge.dispute.closed',
    );
    const openedLate = stripe.disputeEvent(other.session, { id: 'dp_won_first', amount: 300 });
    expect((await deliver(wonFirst)).body).toMatchObject({ outcome: 'dispute_reinstated' });
    expect((await deliver(openedLate)).body).toMatchObject({ outcome: 'duplicate' });
    expect(await balanceNano()).toBe(beforeOther);
    expect(await linesFor('stripe-dispute:dp_won_first')).toHaveLength(1);
    expect(await linesFor('stripe-dispute-won:dp_won_first')).toHaveLength(1);
    await expectMirrorExact();
  });

  it('acknowledges a refund or dispute of a charge that is not ours, and changes nothing', async () => {
    const paid = await paidTopup('2');
    const before = await balanceNano();
    const ledgerBefore = await db.getRepository(LedgerEntry).countBy({ tenantId: tenant.id });
    for (const event of [
      stripe.refundEvent(paid.session, { amount: 200, payment_intent: 'pi_someone_else' }),
      stripe.refundEvent(paid.session, { amount: 200, payment_intent: null }),
      stripe.disputeEvent(paid.session, { amount: 200, payment_intent: 'pi_someone_else' }),
    ]) {
      expect(await deliver(event)).toEqual({
        status: 200,
        body: { received: true, outcome: 'unknown_charge' },
      });
    }
    // charge.refunded carries no refund (Stripe sends refund.created for it): acknowledged only.
    const chargeRefunded = { ...stripe.refundEvent(paid.session, { amount: 200 }), type: 'charge.refunded' };
    expect((await deliver(chargeRefunded as ReturnType<FakeStripe['event']>)).body).toMatchObject({
      outcome: 'ignored',
    });
    expect(await balanceNano()).toBe(before);
    expect(await db.getRepository(LedgerEntry).countBy({ tenantId: tenant.id })).toBe(ledgerBefore);
    expect(await order(paid.id)).toMatchObject({ status: 'paid', refundedUsd: '0' });
  });

  it('refuses a refund with a bad signature or without its refund, and changes nothing', async () => {
    const paid = await paidTopup('5');
    const before = await balanceNano();
    const refund = stripe.refundEvent(paid.session, { amount: 500 });
    const forged = await stripe.deliver(webhookUrl, refund, 'whsec_someoneElsesSecret0000');
    expect(forged.status).toBe(400);
    expect(forged.body).toMatchObject({ code: 'payment_signature_invalid' });
    const empty = await stripe.deliverRaw(
      webhookUrl,
      JSON.stringify({ id: 'evt_refund_no_data', type: 'refund.created', data: {} }),
      WEBHOOK_SECRET,
    );
    expect(empty.status).toBe(400);
    expect(empty.body).toMatchObject({ code: 'validation_failed' });
    expect((empty.body as { message: string }).message).toContain('data.object');
    const fractional = {
      ...refund,
      id: 'evt_refund_fraction',
      data: { object: { ...refund.data.object, amount: 2.5 } },
    };
    const badAmount = await stripe.deliverRaw(webhookUrl, JSON.stringify(fractional), WEBHOOK_SECRET);
    expect(badAmount.status).toBe(400);
    expect(badAmount.body).toMatchObject({
      code: 'validation_failed',
      errors: [{ field: 'data.object.amount' }],
    });
    expect(await balanceNano()).toBe(before);
    expect(await order(paid.id)).toMatchObject({ status: 'paid' });
  });

  it('lets a refund take the balance below zero, and the relay then refuses to hold for a request', async () => {
    const paid = await paidTopup('1');
    // Spent since: a negative adjustment stands in for usage, leaving 0.25 of the top-up.
    const spent = (await balanceNano()) - 250_000_000n;
    await root
      .post(`/api/tenants/${tenant.id}/adjustments`, { amountUsd: nanoToUsd(-spent), note: 'spent' })
      .expect(201);
    expect(await balanceNano()).toBe(250_000_000n);
    expect((await deliver(stripe.refundEvent(paid.session, { amount: 100 }))).body).toMatchObject({
      outcome: 'refunded',
    });
    expect(await balanceNano()).toBe(-750_000_000n);
    await expectMirrorExact();
    const hold = await api.app.get(BalanceMirror).hold({
      requestId: randomUUID(),
      tenantId: tenant.id,
      tokenId: randomUUID(),
      amountNano: 1n,
      tokenQuotaNano: null,
      tokenQuotaEpoch: 0,
      plan: null,
      inputTokens: 1,
      outputTokens: 1,
    });
    expect(hold).toEqual({ verdict: 'balance', hold: null });
  });

  it('gives a refund back when Stripe says it failed after it succeeded, once, whatever the order', async () => {
    const paid = await paidTopup('10');
    const before = await balanceNano();
    const refund = { id: 're_fails_later', amount: 400 };
    expect((await deliver(stripe.refundEvent(paid.session, refund))).body).toMatchObject({
      outcome: 'refunded',
    });
    expect(before - (await balanceNano())).toBe(4_000_000_000n);

    // Days later the card issuer rejects it: Stripe returns the money to the account and says so.
    const failed = stripe.refundEvent(paid.session, { ...refund, status: 'failed' }, 'refund.updated');
    expect(await deliver(failed)).toEqual({
      status: 200,
      body: { received: true, outcome: 'refund_reversed' },
    });
    expect(await balanceNano()).toBe(before);
    const [line, ...more] = await linesFor('stripe-refund-failed:re_fails_later');
    expect(more).toEqual([]);
    expect(line).toMatchObject({
      kind: 'adjustment',
      amountUsd: '4',
      note: `Stripe refund re_fails_later of order ${paid.id} failed: funds reinstated`,
    });
    expect(await order(paid.id)).toMatchObject({ status: 'paid', refundedUsd: '0' });
    const audit = await db.getRepository(AuditLog).findBy({ tenantId: tenant.id, entityId: line?.id });
    expect(audit).toEqual([expect.objectContaining({ entityType: 'ledger_entry', action: 'create' })]);
    await expectMirrorExact();

    // Stripe's refund.failed says the same, and a late retry of the succeeded one changes nothing.
    const failedEvent = stripe.refundEvent(paid.session, { ...refund, status: 'failed' }, 'refund.failed');
    expect((await deliver(failedEvent)).body).toMatchObject({ outcome: 'duplicate' });
    const late = stripe.refundEvent(paid.session, refund, 'refund.updated');
    expect((await deliver(late)).body).toMatchObject({ outcome: 'duplicate' });
    expect(await balanceNano()).toBe(before);

    // A later refund of the whole charge is still whole: what failed is no longer counted as refunded.
    expect(
      (await deliver(stripe.refundEvent(paid.session, { id: 're_after_failed', amount: 1000 }))).body,
    ).toMatchObject({ outcome: 'refunded' });
    expect(before - (await balanceNano())).toBe(10_000_000_000n);
    expect(await order(paid.id)).toMatchObject({ status: 'refunded', refundedUsd: '10' });

    // A refund whose failure is heard of before its success (or that never succeeded) nets to nothing.
    const other = await paidTopup('3');
    const otherBefore = await balanceNano();
    const early = { id: 're_failed_first', amount: 300 };
    const earlyFailed = stripe.refundEvent(other.session, { ...early, status: 'failed' }, 'refund.failed');
    expect((await deliver(earlyFailed)).body).toMatchObject({ outcome: 'refund_reversed' });
    expect((await deliver(stripe.refundEvent(other.session, early, 'refund.updated'))).body).toMatchObject({
      outcome: 'duplicate',
    });
    expect(await balanceNano()).toBe(otherBefore);
    expect(await order(other.id)).toMatchObject({ status: 'paid', refundedUsd: '0' });
    await expectMirrorExact();
  });

  it("refuses a signed refund or dispute whose ids are longer than Stripe's, naming the field", async () => {
    const paid = await paidTopup('2');
    const before = await balanceNano();
    const longRefund = stripe.refundEvent(paid.session, { id: `re_${'x'.repeat(250)}`, amount: 100 });
    const refused = await deliver(longRefund);
    expect(refused).toMatchObject({
      status: 400,
      body: { code: 'validation_failed', errors: [{ field: 'data.object.id' }] },
    });
    const longDispute = stripe.disputeEvent(paid.session, { id: `dp_${'y'.repeat(250)}`, amount: 100 });
    expect(await deliver(longDispute)).toMatchObject({
      status: 400,
      body: { code: 'validation_failed', errors: [{ field: 'data.object.id' }] },
    });
    const longEvent = { ...stripe.refundEvent(paid.session, { amount: 100 }), id: `evt_${'z'.repeat(300)}` };
    expect(await deliver(longEvent as ReturnType<FakeStripe['event']>)).toMatchObject({
      status: 400,
      body: { code: 'validation_failed', errors: [{ field: 'id' }] },
    });
    expect(await balanceNano()).toBe(before);
    expect(await order(paid.id)).toMatchObject({ status: 'paid', refundedUsd: '0' });
  });

  it('refunds an order paid before orders kept their payment intent, found through its session', async () => {
    const paid = await paidTopup('6');
    // As paid before the version that stores it: the order knows its session, not its payment intent.
    await db.query(`UPDATE topup_orders SET payment_intent = NULL WHERE id = $1`, [paid.id]);
    const before = await balanceNano();
    const lookups = () =>
      stripe.requests.filter((request) => request.path.startsWith('/v1/checkout/sessions?'));
    const lookupsBefore = lookups().length;

    // Another integration's charge is still not ours, once Stripe says no session was paid with it.
    const foreign = stripe.refundEvent(paid.session, { amount: 600, payment_intent: 'pi_someone_else' });
    expect((await deliver(foreign)).body).toMatchObject({ outcome: 'unknown_charge' });
    expect(lookups().length).toBe(lookupsBefore + 1);

    const refund = stripe.refundEvent(paid.session, { id: 're_legacy_1', amount: 250 });
    expect(await deliver(refund)).toEqual({ status: 200, body: { received: true, outcome: 'refunded' } });
    expect(before - (await balanceNano())).toBe(2_500_000_000n);
    expect(await order(paid.id)).toMatchObject({
      status: 'partially_refunded',
      refundedUsd: '2.5',
      paymentIntent: stripe.sessions.get(paid.session)?.payment_intent,
    });
    // Found once: the next refund of the order needs no lookup.
    const second = stripe.refundEvent(paid.session, { id: 're_legacy_2', amount: 350 });
    expect((await deliver(second)).body).toMatchObject({ outcome: 'refunded' });
    expect(lookups().length).toBe(lookupsBefore + 2);
    expect(before - (await balanceNano())).toBe(6_000_000_000n);
    await expectMirrorExact();
  });

  it('debits partial refunds in another currency that add up to exactly the credit', async () => {
    // 1 USD at 0.7 EUR is 70 cents: 33 of them are 0.471428571… USD, rounded; the rest takes the rest.
    await root.patch('/api/payment-providers/stripe', { currency: 'eur', usdRate: '0.7' }).expect(200);
    const paid = await paidTopup('1');
    const before = await balanceNano();
    expect(
      (await deliver(stripe.refundEvent(paid.session, { id: 're_eur_1', amount: 33 }))).body,
    ).toMatchObject({
      outcome: 'refunded',
    });
    expect((await linesFor('stripe-refund:re_eur_1'))[0]).toMatchObject({ amountUsd: '-0.471428571' });
    // A refund in another currency than the charge's is not this order's.
    const dollars = stripe.refundEvent(paid.session, { id: 're_eur_usd', amount: 37, currency: 'usd' });
    expect((await deliver(dollars)).status).toBe(400);
    expect(
      (await deliver(stripe.refundEvent(paid.session, { id: 're_eur_2', amount: 37 }))).body,
    ).toMatchObject({
      outcome: 'refunded',
    });
    expect((await linesFor('stripe-refund:re_eur_2'))[0]).toMatchObject({ amountUsd: '-0.528571429' });
    expect(before - (await balanceNano())).toBe(1_000_000_000n);
    expect(await order(paid.id)).toMatchObject({ status: 'refunded', refundedUsd: '1' });
    await expectMirrorExact();
  });

  describe('of an order that paid an invoice', () => {
    const invoice = async (id: string) =>
      (await owner.get(`/api/invoices/${id}`).expect(200)).body as InvoiceStandingView;
    /** An open invoice of `totalUsd`, paid in full through Stripe: the invoice, its order and session. */
    const paidInvoice = async (totalUsd: string) => {
      const open = await seedOpenInvoice(db, totalUsd, tenant.id);
      const created = (
        await owner
          .post(`/api/tenants/${tenant.id}/topup-orders`, {
            amountUsd: totalUsd,
            provider: 'stripe',
            invoiceId: open.id,
          })
          .expect(201)
      ).body as OrderView;
      const session = created.providerRef ?? '';
      expect((await deliver(stripe.event(session))).body).toMatchObject({ outcome: 'invoice_settled' });
      expect(await invoice(open.id)).toMatchObject({ status: 'paid', balanceDueUsd: '0' });
      return { invoiceId: open.id, id: created.id, session };
    };
    const useCurrency = (currency: string, usdRate: string) =>
      root.patch('/api/payment-providers/stripe', { currency, usdRate }).expect(200);
    beforeEach(() => useCurrency('usd', '1'));

    it('reverses the invoice payment a refund takes back and reopens the invoice, never debiting the balance', async () => {
      const paid = await paidInvoice('30');
      const before = await balanceNano();
      const ledgerBefore = await db.getRepository(LedgerEntry).countBy({ tenantId: tenant.id });

      const refund = stripe.refundEvent(paid.session, { id: 're_inv_part', amount: 1000 });
      expect(await deliver(refund)).toEqual({ status: 200, body: { received: true, outcome: 'refunded' } });
      expect(await balanceNano()).toBe(before);
      expect(await db.getRepository(LedgerEntry).countBy({ tenantId: tenant.id })).toBe(ledgerBefore);
      expect(await invoice(paid.invoiceId)).toMatchObject({
        status: 'open',
        paidUsd: '20',
        balanceDueUsd: '10',
        settlements: [
          expect.objectContaining({
            reference: `payment:${paid.id}`,
            source: 'online',
            amountUsd: '30',
            reversedUsd: '10',
          }),
        ],
      });
      expect(await order(paid.id)).toMatchObject({ status: 'partially_refunded', refundedUsd: '10' });
      const audit = await db
        .getRepository(AuditLog)
        .findBy({ tenantId: tenant.id, entityType: 'invoice_payment_reversal' });
      expect(audit).toEqual([
        expect.objectContaining({
          action: 'create',
          after: expect.objectContaining({
            invoiceId: paid.invoiceId,
            reference: 'stripe-refund:re_inv_part',
            amountUsd: '10',
          }),
        }),
      ]);

      // Replayed, refund.updated for it, and the same delivered concurrently: once.
      const updated = stripe.refundEvent(paid.session, { id: 're_inv_part', amount: 1000 }, 'refund.updated');
      const replies = await Promise.all([refund, updated, refund, updated].map((event) => deliver(event)));
      expect(replies.map((reply) => (reply.body as { outcome: string }).outcome)).toEqual(
        Array(4).fill('duplicate'),
      );
      expect(await invoice(paid.invoiceId)).toMatchObject({ status: 'open', balanceDueUsd: '10' });

      // The rest refunded: nothing stands paid, the whole invoice is due again.
      const rest = stripe.refundEvent(paid.session, { id: 're_inv_rest', amount: 2000 });
      expect((await deliver(rest)).body).toMatchObject({ outcome: 'refunded' });
      expect(await invoice(paid.invoiceId)).toMatchObject({
        status: 'open',
        paidUsd: '0',
        balanceDueUsd: '30',
      });
      expect(await order(paid.id)).toMatchObject({ status: 'refunded', refundedUsd: '30' });
      expect(await balanceNano()).toBe(before);
      await expectMirrorExact();
    });

    it('reverses the invoice payment a lost dispute takes, and gives it back when a dispute is won', async () => {
      const paid = await paidInvoice('12');
      const before = await balanceNano();
      const opened = stripe.disputeEvent(paid.session, { id: 'dp_inv_won', amount: 1200 });
      expect((await deliver(opened)).body).toMatchObject({ outcome: 'dispute_withdrawn' });
      expect(await invoice(paid.invoiceId)).toMatchObject({ status: 'open', balanceDueUsd: '12' });
      const won = stripe.disputeEvent(
        paid.session,
        { id: 'dp_inv_won', amount: 1200, status: 'won' },
        'charge.dispute.closed',
      );
      expect((await deliver(won)).body).toMatchObject({ outcome: 'dispute_reinstated' });
      expect((await deliver(won)).body).toMatchObject({ outcome: 'duplicate' });
      expect(await invoice(paid.invoiceId)).toMatchObject({ status: 'paid', balanceDueUsd: '0' });

      const lost = stripe.disputeEvent(
        paid.session,
        { id: 'dp_inv_lost', amount: 500, status: 'lost' },
        'charge.dispute.closed',
      );
      expect((await deliver(lost)).body).toMatchObject({ outcome: 'dispute_withdrawn' });
      expect(await invoice(paid.invoiceId)).toMatchObject({ status: 'open', balanceDueUsd: '5' });
      expect(await balanceNano()).toBe(before);
      await expectMirrorExact();
    });

    it('restores the invoice payment when the refund fails, and credits the balance what the invoice no longer needs', async () => {
      const paid = await paidInvoice('9');
      const before = await balanceNano();
      const refund = { id: 're_inv_fails', amount: 900 };
      expect((await deliver(stripe.refundEvent(paid.session, refund))).body).toMatchObject({
        outcome: 'refunded',
      });
      expect(await invoice(paid.invoiceId)).toMatchObject({ status: 'open', balanceDueUsd: '9' });
      const failed = stripe.refundEvent(paid.session, { ...refund, status: 'failed' }, 'refund.failed');
      expect((await deliver(failed)).body).toMatchObject({ outcome: 'refund_reversed' });
      expect((await deliver(failed)).body).toMatchObject({ outcome: 'duplicate' });
      expect(await invoice(paid.invoiceId)).toMatchObject({
        status: 'paid',
        paidUsd: '9',
        balanceDueUsd: '0',
      });
      expect(await order(paid.id)).toMatchObject({ status: 'paid', refundedUsd: '0' });
      expect(await balanceNano()).toBe(before);

      // Refunded again, then paid by transfer while reopened: when that refund fails too, the invoice
      // has been paid, so the money back in the account goes to the prepaid balance.
      const again = { id: 're_inv_fails_again', amount: 400 };
      expect((await deliver(stripe.refundEvent(paid.session, again))).body).toMatchObject({
        outcome: 'refunded',
      });
      await root
        .post(`/api/invoices/${paid.invoiceId}/payments`, { amountUsd: '4', reference: 'WIRE-REFUNDED' })
        .expect(201);
      expect(await invoice(paid.invoiceId)).toMatchObject({ status: 'paid' });
      const againFailed = stripe.refundEvent(paid.session, { ...again, status: 'failed' }, 'refund.failed');
      expect((await deliver(againFailed)).body).toMatchObject({ outcome: 'refund_reversed' });
      expect(await invoice(paid.invoiceId)).toMatchObject({
        status: 'paid',
        paidUsd: '9',
        balanceDueUsd: '0',
      });
      expect((await balanceNano()) - before).toBe(4_000_000_000n);
      expect(await linesFor('stripe-refund-failed:re_inv_fails_again')).toEqual([
        expect.objectContaining({ kind: 'adjustment', amountUsd: '4' }),
      ]);
      await expectMirrorExact();
    });

    it('reverses once when a refund’s and a dispute’s first deliveries arrive together', async () => {
      const paid = await paidInvoice('7');
      const before = await balanceNano();
      const refund = { id: 're_inv_race', amount: 300 };
      const dispute = { id: 'dp_inv_race', amount: 400 };
      const events = [
        stripe.refundEvent(paid.session, refund),
        stripe.refundEvent(paid.session, refund, 'refund.updated'),
        stripe.disputeEvent(paid.session, dispute),
        stripe.disputeEvent(paid.session, { ...dispute, status: 'lost' }, 'charge.dispute.closed'),
        stripe.disputeEvent(paid.session, dispute, 'charge.dispute.funds_withdrawn'),
      ];
      const replies = await Promise.all([...events, ...events].map((event) => deliver(event)));
      expect(replies.map((reply) => reply.status)).toEqual(Array(10).fill(200));
      const outcomes = replies.map((reply) => (reply.body as { outcome: string }).outcome);
      expect(outcomes.filter((outcome) => outcome === 'refunded')).toHaveLength(1);
      expect(outcomes.filter((outcome) => outcome === 'dispute_withdrawn')).toHaveLength(1);
      expect(outcomes.filter((outcome) => outcome === 'duplicate')).toHaveLength(8);
      expect(await invoice(paid.invoiceId)).toMatchObject({
        status: 'open',
        paidUsd: '0',
        balanceDueUsd: '7',
        settlements: [expect.objectContaining({ amountUsd: '7', reversedUsd: '7' })],
      });
      expect(await order(paid.id)).toMatchObject({ status: 'partially_refunded', refundedUsd: '3' });
      expect(await balanceNano()).toBe(before);
      await expectMirrorExact();
    });

    it('reverses partial refunds in another currency that add up to exactly the payment', async () => {
      // 10 USD at 0.7 EUR is 700 cents: 333 of them are 4.757142857… USD, the rest takes the rest.
      await useCurrency('eur', '0.7');
      const paid = await paidInvoice('10');
      for (const [id, amount] of [
        ['re_inv_eur_1', 333],
        ['re_inv_eur_2', 367],
      ] as const) {
        expect((await deliver(stripe.refundEvent(paid.session, { id, amount }))).body).toMatchObject({
          outcome: 'refunded',
        });
      }
      expect(await invoice(paid.invoiceId)).toMatchObject({
        status: 'open',
        paidUsd: '0',
        balanceDueUsd: '10',
      });
      expect(await order(paid.id)).toMatchObject({ status: 'refunded', refundedUsd: '10' });
    });
  });

  it('writes nothing for a refund or dispute of nothing', async () => {
    const paid = await paidTopup('2');
    const before = await balanceNano();
    const ledgerBefore = await db.getRepository(LedgerEntry).countBy({ tenantId: tenant.id });
    for (const event of [
      stripe.refundEvent(paid.session, { id: 're_zero', amount: 0 }),
      stripe.refundEvent(paid.session, { id: 're_zero', amount: 0, status: 'failed' }, 'refund.failed'),
      stripe.disputeEvent(paid.session, { id: 'dp_zero', amount: 0 }),
    ]) {
      expect(await deliver(event)).toEqual({ status: 200, body: { received: true, outcome: 'ignored' } });
    }
    expect(await db.getRepository(LedgerEntry).countBy({ tenantId: tenant.id })).toBe(ledgerBefore);
    expect(await balanceNano()).toBe(before);
    expect(await order(paid.id)).toMatchObject({ status: 'paid', refundedUsd: '0' });
  });

  it('withdraws an inquiry escalated to a chargeback when its funds are withdrawn, once', async () => {
    const paid = await paidTopup('6');
    const before = await balanceNano();
    const inquiry = stripe.disputeEvent(paid.session, {
      id: 'dp_escalated',
      amount: 600,
      status: 'warning_needs_response',
    });
    expect((await deliver(inquiry)).body).toMatchObject({ outcome: 'ignored' });
    const withdrawn = stripe.disputeEvent(
      paid.session,
      { id: 'dp_escalated', amount: 600, status: 'needs_response' },
      'charge.dispute.funds_withdrawn',
    );
    expect((await deliver(withdrawn)).body).toMatchObject({ outcome: 'dispute_withdrawn' });
    expect(before - (await balanceNano())).toBe(6_000_000_000n);
    const lost = stripe.disputeEvent(
      paid.session,
      { id: 'dp_escalated', amount: 600, status: 'lost' },
      'charge.dispute.closed',
    );
    expect((await deliver(lost)).body).toMatchObject({ outcome: 'duplicate' });
    expect((await deliver(withdrawn)).body).toMatchObject({ outcome: 'duplicate' });
    expect(before - (await balanceNano())).toBe(6_000_000_000n);
    expect(await linesFor('stripe-dispute:dp_escalated')).toHaveLength(1);

    // Won after all: Stripe's funds_reinstated and the closing event give it back once.
    const other = await paidTopup('5');
    const otherBefore = await balanceNano();
    const opened = stripe.disputeEvent(other.session, { id: 'dp_reinstated', amount: 500 });
    expect((await deliver(opened)).body).toMatchObject({ outcome: 'dispute_withdrawn' });
    const reinstated = stripe.disputeEvent(
      other.session,
      { id: 'dp_reinstated', amount: 500, status: 'won' },
      'charge.dispute.funds_reinstated',
    );
    const won = stripe.disputeEvent(
      other.session,
      { id: 'dp_reinstated', amount: 500, status: 'won' },
      'charge.dispute.closed',
    );
    expect((await deliver(reinstated)).body).toMatchObject({ outcome: 'dispute_reinstated' });
    expect((await deliver(won)).body).toMatchObject({ outcome: 'duplicate' });
    expect(await balanceNano()).toBe(otherBefore);
    await expectMirrorExact();
  });

  it("acknowledges a paid session whose payment intent is another order's, and changes nothing", async () => {
    const first = await paidTopup('3');
    const firstIntent = stripe.sessions.get(first.session)?.payment_intent ?? '';
    const created = (
      await owner
        .post(`/api/tenants/${tenant.id}/topup-orders`, { amountUsd: '3', provider: 'stripe' })
        .expect(201)
    ).body as OrderView;
    const before = await balanceNano();
    const clash = stripe.event(created.providerRef ?? '', 'checkout.session.completed', {
      payment_intent: firstIntent,
    });
    expect(await deliver(clash)).toEqual({
      status: 200,
      body: { received: true, outcome: 'payment_intent_conflict' },
    });
    expect(await balanceNano()).toBe(before);
    expect(await order(created.id)).toMatchObject({ status: 'pending', paymentIntent: null });
    expect(await order(first.id)).toMatchObject({ status: 'paid', paymentIntent: firstIntent });
    expect((await deliver(clash)).body).toMatchObject({ outcome: 'duplicate' });

    // Two orders' sessions paid with one payment intent at the same time: one is credited, the other
    // acknowledged, neither a 500.
    const start = async () =>
      (
        (
          await owner
            .post(`/api/tenants/${tenant.id}/topup-orders`, { amountUsd: '1', provider: 'stripe' })
            .expect(201)
        ).body as OrderView
      ).providerRef ?? '';
    const sessions = [await start(), await start()];
    const racing = await Promise.all(
      sessions.map((session) =>
        deliver(stripe.event(session, 'checkout.session.completed', { payment_intent: 'pi_shared_race' })),
      ),
    );
    expect(racing.map((reply) => reply.status)).toEqual([200, 200]);
    expect(racing.map((reply) => (reply.body as { outcome: string }).outcome).sort()).toEqual([
      'credited',
      'payment_intent_conflict',
    ]);
    expect((await balanceNano()) - before).toBe(1_000_000_000n);
  });
});
