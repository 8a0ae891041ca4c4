// Online top-ups end to end: a super admin configures Stripe and EPay through /api, a tenant's owner
// or finance user starts a top-up, the local fakes of both providers (built from their documented
// protocols) take the payment and call the webhook routes, and the balance is credited exactly once:
// never on a bad signature, a replay, a wrong amount or concurrent deliveries; books and the Redis
// mirror stay exact.
import { randomUUID } from 'node:crypto';
import { AuditLog } from '@gateway/audit';
import { BalanceMirror, LedgerEntry } from '@gateway/billing';
import { usdToNano } from '@gateway/db';
import { Role, Tenant } from '@gateway/identity';
import { Invoice, InvoiceSettlement } from '@gateway/invoices';
import { PaymentEvent, TopupOrder } from '@gateway/payments';
import { DataSource } from 'typeorm';
import { ApiHarness, startApi, startReplica } from '../api-harness';
import { seedTenant, Session, sessionAs } from '../fixtures';
import { FakeEpay, startFakeEpay } from './fake-epay';
import { FakeStripe, startFakeStripe } from './fake-stripe';
import { seedOpenInvoice } from './open-invoice';

interface OrderView {
  id: string;
  tenantId: string;
  provider: string;
  method: string | null;
  status: string;
  amountUsd: string;
  currency: string;
  chargeAmount: string;
  usdRate: string;
  payUrl: string;
  providerRef: string | null;
  failureReason: string | null;
  invoiceId: string | null;
  ledgerEntryId: string | null;
}

const WEBHOOK_SECRET = 'whsec_Zm9vYmFyYmF6cXV4cXV1eA';

describe('payments: online top-ups through Stripe and EPay', () => {
  let api: ApiHarness;
  let stripe: FakeStripe;
  let epay: FakeEpay;
  let db: DataSource;
  let root: Session;
  let tenant: Tenant;
  let owner: Session;
  let finance: Session;
  let webhookUrl: string;

  const fields = (body: { errors?: { field: string }[] }) => (body.errors ?? []).map((e) => e.field);
  const balanceNano = async (tenantId = tenant.id) =>
    usdToNano((await root.get(`/api/tenants/${tenantId}/balance`).expect(200)).body.balanceUsd as string);
  const topupLines = (orderId: string) =>
    db.getRepository(LedgerEntry).findBy({ tenantId: tenant.id, kind: 'topup', ref: `payment:${orderId}` });
  const order = async (id: string): Promise<OrderView> =>
    (await owner.get(`/api/tenants/${tenant.id}/topup-orders/${id}`).expect(200)).body as OrderView;
  const startStripe = async (amountUsd: string, session: Session = owner): Promise<OrderView> =>
    (
      await session
        .post(`/api/tenants/${tenant.id}/topup-orders`, { amountUsd, provider: 'stripe' })
        .expect(201)
    ).body as OrderView;
  const startEpay = async (
    amountUsd: string,
    method = 'alipay',
    session: Session = finance,
  ): Promise<OrderView> => {
    const created = (
      await session
        .post(`/api/tenants/${tenant.id}/topup-orders`, { amountUsd, provider: 'epay', method })
        .expect(201)
    ).body as OrderView;
    // The customer's browser follows payUrl to the gateway, which checks the order's signature.
    const page = await fetch(created.payUrl);
    expect(page.status).toBe(200);
    return created;
  };
  const tradeNo = (orderId: string) => orderId.replace(/-/g, '');

  beforeAll(async () => {
    stripe = await startFakeStripe();
    epay = await startFakeEpay();
    api = await startApi('payments-topups', { STRIPE_API_URL: stripe.url });
    db = api.app.get(DataSource);
    webhookUrl = `${api.url}/api/payments/stripe/webhook`;
    root = await sessionAs(api, Role.SuperAdmin, null);
    tenant = await seedTenant(api);
    owner = await sessionAs(api, Role.Owner, tenant.id);
    finance = await sessionAs(api, Role.Finance, tenant.id);
  });
  afterAll(async () => {
    await api?.close();
    await stripe?.close();
    await epay?.close();
  });

  describe('provider settings (super admin)', () => {
    it('refuses bad settings naming each field, and enabling a provider without its secrets', async () => {
      const bad = await root
        .patch('/api/payment-providers/stripe', {
          secretKey: 'pk_live_x',
          webhookSecret: 'abc',
          currency: 'xyz',
        })
        .expect(400);
      expect(fields(bad.body).sort()).toEqual(['currency', 'secretKey', 'webhookSecret']);
      const epayBad = await root
        .patch('/api/payment-providers/epay', { gatewayUrl: 'ftp://x', methods: ['paypal'], usdRate: '-7' })
        .expect(400);
      expect(fields(epayBad.body).sort()).toEqual(['gatewayUrl', 'methods', 'usdRate']);
      const notReady = await root.patch('/api/payment-providers/stripe', { enabled: true }).expect(400);
      expect(notReady.body).toMatchObject({ code: 'payment_provider_not_configured' });
      expect(fields(notReady.body)).toEqual(['secretKey']);
      const usdRate = await root.patch('/api/payment-providers/stripe', { usdRate: '2' }).expect(400);
      expect(fields(usdRate.body)).toEqual(['usdRate']);
      // Nothing was stored by any of them.
      expect(await db.query('SELECT * FROM payment_providers')).toEqual([]);
    });

    it('is for super admins only', async () => {
      await owner.get('/api/payment-providers').expect(403);
      await finance.patch('/api/payment-providers/epay', { enabled: false }).expect(403);
    });

    it('stores secrets sealed, shows only their masks, and audits without them', async () => {
      const res = await root
        .patch('/api/payment-providers/stripe', {
          secretKey: stripe.secretKey,
          webhookSecret: WEBHOOK_SECRET,
          enabled: true,
        })
        .expect(200);
      expect(res.body).toMatchObject({
        provider: 'stripe',
        enabled: true,
        currency: 'usd',
        usdRate: '1',
        secrets: {
          secretKey: `sk_test_…${stripe.secretKey.slice(-4)}`,
          webhookSecret: `whsec_…${WEBHOOK_SECRET.slice(-4)}`,
        },
        notifyPath: '/api/payments/stripe/webhook',
      });
      await root
        .patch('/api/payment-providers/epay', {
          gatewayUrl: `${epay.url}/`,
          pid: epay.pid,
          key: epay.key,
          usdRate: '7.2',
          methods: ['wxpay', 'alipay'],
          enabled: true,
        })
        .expect(200);
      const listed = await root.get('/api/payment-providers').expect(200);
      expect(listed.body).toEqual([
        expect.objectContaining({ provider: 'stripe', enabled: true }),
        expect.objectContaining({
          provider: 'epay',
          enabled: true,
          currency: 'cny',
          usdRate: '7.2',
          gatewayUrl: epay.url,
          pid: epay.pid,
          methods: ['alipay', 'wxpay'],
          secrets: { key: `…${epay.key.slice(-4)}` },
        }),
      ]);
      const stored = JSON.stringify(await db.query('SELECT * FROM payment_providers'));
      const audit = JSON.stringify(
        await db.getRepository(AuditLog).findBy({ entityType: 'payment_provider' }),
      );
      for (const secret of [stripe.secretKey, WEBHOOK_SECRET, epay.key]) {
        expect(stored).not.toContain(secret);
        expect(audit).not.toContain(secret);
        expect(JSON.stringify(listed.body)).not.toContain(secret);
      }
      // A later change that leaves the secrets out keeps them.
      await root.patch('/api/payment-providers/stripe', { enabled: true }).expect(200);
      const options = await finance.get('/api/payments/options').expect(200);
      expect(options.body.providers).toEqual([
        { provider: 'stripe', currency: 'usd', usdRate: '1', methods: [] },
        { provider: 'epay', currency: 'cny', usdRate: '7.2', methods: ['alipay', 'wxpay'] },
      ]);
    });
  });

  describe('starting a top-up', () => {
    it('lets only the tenant’s owner and finance start one, in their own tenant', async () => {
      for (const role of [Role.Admin, Role.Member]) {
        const session = await sessionAs(api, role, tenant.id);
        await session
          .post(`/api/tenants/${tenant.id}/topup-orders`, { amountUsd: '5', provider: 'stripe' })
          .expect(403);
      }
      const other = await seedTenant(api);
      await owner
        .post(`/api/tenants/${other.id}/topup-orders`, { amountUsd: '5', provider: 'stripe' })
        .expect(404);
      await root
        .post(`/api/tenants/${tenant.id}/topup-orders`, { amountUsd: '5', provider: 'stripe' })
        .expect(403);
    });

    it('refuses bad input naming the field, and creates nothing', async () => {
      const before = await db.getRepository(TopupOrder).count();
      const cases: [object, string][] = [
        [{ amountUsd: '0', provider: 'stripe' }, 'amountUsd'],
        [{ amountUsd: 5, provider: 'stripe' }, 'amountUsd'],
        [{ amountUsd: '1000001', provider: 'stripe' }, 'amountUsd'],
        [{ amountUsd: '5', provider: 'paypal' }, 'provider'],
        [{ amountUsd: '5', provider: 'epay' }, 'method'],
        [{ amountUsd: '5', provider: 'epay', method: 'card' }, 'method'],
        [{ amountUsd: '5', provider: 'stripe', method: 'alipay' }, 'method'],
        [{ amountUsd: '0.000000001', provider: 'epay', method: 'alipay' }, 'amountUsd'],
      ];
      for (const [body, field] of cases) {
        const res = await owner.post(`/api/tenants/${tenant.id}/topup-orders`, body).expect(400);
        expect(fields(res.body)).toContain(field);
      }
      expect(await db.getRepository(TopupOrder).count()).toBe(before);
    });

    it('creates a Stripe Checkout session for the order through the official client', async () => {
      const created = await startStripe('12.5');
      expect(created).toMatchObject({
        provider: 'stripe',
        status: 'pending',
        amountUsd: '12.5',
        currency: 'usd',
        chargeAmount: '12.50',
        ledgerEntryId: null,
      });
      const session = stripe.sessions.get(created.providerRef ?? '');
      expect(session).toMatchObject({
        amount_total: 1250,
        currency: 'usd',
        client_reference_id: created.id,
        metadata: { order_id: created.id, tenant_id: tenant.id },
      });
      expect(created.payUrl).toBe(session?.url);
      expect(session?.success_url).toBe(`${api.url}/billing?topup=${created.id}&result=success`);
      expect(stripe.requests.at(-1)?.idempotencyKey).toBe(`topup-order-${created.id}`);
    });

    it('answers 502 naming Stripe’s refusal and keeps the order as failed', async () => {
      const res = await owner
        .post(`/api/tenants/${tenant.id}/topup-orders`, { amountUsd: '0.3', provider: 'stripe' })
        .expect(502);
      expect(res.body.code).toBe('payment_provider_unavailable');
      expect(res.body.message).toContain('at least $0.50');
      const failed = await owner.get(`/api/tenants/${tenant.id}/topup-orders?status=failed`).expect(200);
      expect(failed.body.items[0]).toMatchObject({ amountUsd: '0.3', failureReason: 'provider_error' });
    });
  });

  describe('Stripe webhook', () => {
    it('credits a paid session once, through the ledger and the Redis mirror', async () => {
      // Load the hot path's mirror first, so the test sees the credit applied to it.
      const mirror = api.app.get(BalanceMirror);
      await mirror.live(tenant.id, { id: randomUUID(), quotaNano: null, quotaEpoch: 0 });
      const mirrorBefore = await mirror.snapshot(tenant.id);
      const before = await balanceNano();
      const created = await startStripe('25');
      expect(await balanceNano()).toBe(before); // nothing before the provider says paid

      const event = stripe.event(created.providerRef ?? '');
      const res = await stripe.deliver(webhookUrl, event, WEBHOOK_SECRET);
      expect(res).toEqual({ status: 200, body: { received: true, outcome: 'credited' } });
      expect((await balanceNano()) - before).toBe(25_000_000_000n);
      const paid = await order(created.id);
      expect(paid).toMatchObject({ status: 'paid', providerRef: created.providerRef });
      const lines = await topupLines(created.id);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({
        amountNano: 25_000_000_000n,
        createdBy: owner.user.id,
        id: paid.ledgerEntryId,
      });
      const mirrorAfter = await mirror.snapshot(tenant.id);
      expect((mirrorAfter?.credits ?? 0n) - (mirrorBefore?.credits ?? 0n)).toBe(25_000_000_000n);
      expect(mirrorAfter?.balance).toBe(await balanceNano());

      // Replays: the same event again, and Stripe's other "paid" event for the same session.
      expect(await stripe.deliver(webhookUrl, event, WEBHOOK_SECRET)).toEqual({
        status: 200,
        body: { received: true, outcome: 'duplicate' },
      });
      const late = stripe.event(created.providerRef ?? '', 'checkout.session.async_payment_succeeded');
      expect((await stripe.deliver(webhookUrl, late, WEBHOOK_SECRET)).body).toMatchObject({
        outcome: 'duplicate',
      });
      expect((await balanceNano()) - before).toBe(25_000_000_000n);
      expect(await topupLines(created.id)).toHaveLength(1);
      expect((await mirror.snapshot(tenant.id))?.balance).toBe(await balanceNano());
    });

    it('refuses a bad or stale signature with 400 and credits nothing', async () => {
      const before = await balanceNano();
      const created = await startStripe('7');
      const event = stripe.event(created.providerRef ?? '');
      const wrong = await stripe.deliver(webhookUrl, event, 'whsec_someoneElsesSecret0000');
      expect(wrong.status).toBe(400);
      expect(wrong.body).toMatchObject({ code: 'payment_signature_invalid' });
      const stale = await stripe.deliver(
        webhookUrl,
        event,
        WEBHOOK_SECRET,
        Math.floor(Date.now() / 1000) - 600,
      );
      expect(stale.status).toBe(400);
      // A body altered after signing (the amount) does not verify either.
      const unsigned = await fetch(webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=00' },
        body: JSON.stringify(event),
      });
      expect(unsigned.status).toBe(400);
      const missing = await fetch(webhookUrl, { method: 'POST', body: JSON.stringify(event) });
      expect(missing.status).toBe(400);
      expect(await balanceNano()).toBe(before);
      expect(await order(created.id)).toMatchObject({ status: 'pending' });
      expect(await db.getRepository(PaymentEvent).countBy({ eventId: event.id })).toBe(0);
      // The genuine delivery still credits afterwards.
      expect((await stripe.deliver(webhookUrl, event, WEBHOOK_SECRET)).body).toMatchObject({
        outcome: 'credited',
      });
      expect((await balanceNano()) - before).toBe(7_000_000_000n);
    });

    it('answers a signed body that is not a Checkout event with a 400 saying what is wrong', async () => {
      const before = await balanceNano();
      const noData = await stripe.deliverRaw(
        webhookUrl,
        JSON.stringify({ id: 'evt_no_data', type: 'checkout.session.completed' }),
        WEBHOOK_SECRET,
      );
      expect(noData.status).toBe(400);
      expect(noData.body).toMatchObject({ code: 'validation_failed' });
      expect((noData.body as { message: string }).message).toContain('data.object');
      const notJson = await stripe.deliverRaw(webhookUrl, 'not json', WEBHOOK_SECRET);
      expect(notJson.status).toBe(400);
      expect(notJson.body).toMatchObject({ code: 'validation_failed' });
      expect((notJson.body as { message: string }).message).toContain('not JSON');
      const notAnEvent = await stripe.deliverRaw(webhookUrl, '[]', WEBHOOK_SECRET);
      expect(notAnEvent.status).toBe(400);
      expect((notAnEvent.body as { message: string }).message).toContain('id and type');
      expect(await balanceNano()).toBe(before);
      expect(await db.getRepository(PaymentEvent).countBy({ eventId: 'evt_no_data' })).toBe(0);
      // Another integration's session on the same Stripe account names no order of ours.
      const foreign = {
        id: 'evt_foreign',
        type: 'checkout.session.completed',
        data: {
          object: {
            id: 'cs_foreign',
            client_reference_id: 'their-order-7',
            payment_status: 'paid',
            amount_total: 700,
            currency: 'usd',
          },
        },
      };
      expect(await stripe.deliverRaw(webhookUrl, JSON.stringify(foreign), WEBHOOK_SECRET)).toEqual({
        status: 200,
        body: { received: true, outcome: 'unknown_order' },
      });
    });

    it('does not credit an amount or currency that differs from the order', async () => {
      const before = await balanceNano();
      const created = await startStripe('9');
      const cheaper = stripe.event(created.providerRef ?? '', 'checkout.session.completed', {
        amount_total: 90,
      });
      const res = await stripe.deliver(webhookUrl, cheaper, WEBHOOK_SECRET);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'payment_amount_mismatch' });
      const euros = await startStripe('9');
      const other = stripe.event(euros.providerRef ?? '', 'checkout.session.completed', { currency: 'eur' });
      expect((await stripe.deliver(webhookUrl, other, WEBHOOK_SECRET)).status).toBe(400);
      expect(await balanceNano()).toBe(before);
      expect(await order(created.id)).toMatchObject({ status: 'failed', failureReason: 'amount_mismatch' });
      expect(await topupLines(created.id)).toHaveLength(0);
    });

    it('credits once when deliveries arrive at the same time, at two api processes', async () => {
      const replica = await startReplica(api);
      try {
        const before = await balanceNano();
        const created = await startStripe('3');
        const event = stripe.event(created.providerRef ?? '');
        const other = stripe.event(created.providerRef ?? '', 'checkout.session.async_payment_succeeded');
        const urls = [webhookUrl, `${replica.url}/api/payments/stripe/webhook`];
        const results = await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            stripe.deliver(urls[i % 2] ?? webhookUrl, i < 4 ? event : other, WEBHOOK_SECRET),
          ),
        );
        expect(results.map((r) => r.status)).toEqual(Array(8).fill(200));
        const outcomes = results.map((r) => (r.body as { outcome: string }).outcome);
        expect(outcomes.filter((o) => o === 'credited')).toHaveLength(1);
        expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(7);
        expect((await balanceNano()) - before).toBe(3_000_000_000n);
        expect(await topupLines(created.id)).toHaveLength(1);
      } finally {
        await replica.close();
      }
    });

    it('marks an order expired or failed when Stripe says so, and ignores unrelated events', async () => {
      const expiring = await startStripe('4');
      const expired = stripe.event(expiring.providerRef ?? '', 'checkout.session.expired');
      expect((await stripe.deliver(webhookUrl, expired, WEBHOOK_SECRET)).body).toMatchObject({
        outcome: 'expired',
      });
      expect(await order(expiring.id)).toMatchObject({ status: 'expired' });
      const failing = await startStripe('4');
      const failed = stripe.event(failing.providerRef ?? '', 'checkout.session.async_payment_failed');
      expect((await stripe.deliver(webhookUrl, failed, WEBHOOK_SECRET)).body).toMatchObject({
        outcome: 'failed',
      });
      // A completed session whose payment is still processing (a bank debit) waits.
      const waiting = await startStripe('4');
      const processing = stripe.event(waiting.providerRef ?? '', 'checkout.session.completed', {
        payment_status: 'unpaid',
      });
      expect((await stripe.deliver(webhookUrl, processing, WEBHOOK_SECRET)).body).toMatchObject({
        outcome: 'ignored',
      });
      expect(await order(waiting.id)).toMatchObject({ status: 'pending' });
      const unrelated = {
        ...stripe.event(waiting.providerRef ?? ''),
        type: 'customer.created',
      } as typeof processing;
      expect((await stripe.deliver(webhookUrl, unrelated, WEBHOOK_SECRET)).body).toMatchObject({
        outcome: 'ignored',
      });
    });
  });

  describe('EPay notify', () => {
    it('sends the customer to the gateway with a signed order in CNY at the configured rate', async () => {
      const created = await startEpay('10', 'wxpay');
      expect(created).toMatchObject({
        provider: 'epay',
        method: 'wxpay',
        currency: 'cny',
        chargeAmount: '72.00',
      });
      expect(epay.refused).toBe(0);
      expect(epay.orders.get(tradeNo(created.id))).toMatchObject({
        type: 'wxpay',
        money: '72.00',
        notify_url: `${api.url}/api/payments/epay/notify`,
        return_url: `${api.url}/billing?topup=${created.id}`,
      });
    });

    it('credits a paid trade once, answering `success` each time it is told', async () => {
      const before = await balanceNano();
      const created = await startEpay('10');
      const first = await epay.notify(tradeNo(created.id));
      expect(first).toEqual({ status: 200, text: 'success' });
      expect((await balanceNano()) - before).toBe(10_000_000_000n);
      const paid = await order(created.id);
      expect(paid).toMatchObject({
        status: 'paid',
        providerRef: epay.orders.get(tradeNo(created.id))?.trade_no,
      });
      // EPay repeats its notification until it reads `success`; the repeats credit nothing.
      expect(await epay.notify(tradeNo(created.id))).toEqual({ status: 200, text: 'success' });
      expect(await epay.notify(tradeNo(created.id), { method: 'POST' })).toEqual({
        status: 200,
        text: 'success',
      });
      expect((await balanceNano()) - before).toBe(10_000_000_000n);
      expect(await topupLines(created.id)).toHaveLength(1);
    });

    it('accepts a notification posted as a form', async () => {
      const before = await balanceNano();
      const created = await startEpay('2');
      expect(await epay.notify(tradeNo(created.id), { method: 'POST' })).toEqual({
        status: 200,
        text: 'success',
      });
      expect((await balanceNano()) - before).toBe(2_000_000_000n);
    });

    it('refuses a bad sign or another merchant with 400 and credits nothing', async () => {
      const before = await balanceNano();
      const created = await startEpay('6');
      const forged = await epay.notify(tradeNo(created.id), { signKey: 'not-the-merchant-key' });
      expect(forged.status).toBe(400);
      expect(JSON.parse(forged.text)).toMatchObject({ code: 'payment_signature_invalid' });
      // Signed, then the amount changed on the way.
      const params = epay.notifyParams(tradeNo(created.id));
      const tampered = await fetch(
        `${api.url}/api/payments/epay/notify?${new URLSearchParams({ ...params, money: '4320.00' })}`,
      );
      expect(tampered.status).toBe(400);
      const otherPid = await epay.notify(tradeNo(created.id), { over: { pid: '1' } });
      expect(otherPid.status).toBe(400);
      expect((await fetch(`${api.url}/api/payments/epay/notify`)).status).toBe(400);
      expect(await balanceNano()).toBe(before);
      expect(await order(created.id)).toMatchObject({ status: 'pending' });
    });

    it('does not credit a signed notification whose money differs from the order', async () => {
      const before = await balanceNano();
      const created = await startEpay('6');
      const res = await epay.notify(tradeNo(created.id), { over: { money: '0.01' } });
      expect(res.status).toBe(400);
      expect(JSON.parse(res.text)).toMatchObject({ code: 'payment_amount_mismatch' });
      expect(await balanceNano()).toBe(before);
      expect(await order(created.id)).toMatchObject({ status: 'failed', failureReason: 'amount_mismatch' });
    });

    it('acknowledges a trade another order was paid with, and changes nothing', async () => {
      const first = await startEpay('2');
      expect(await epay.notify(tradeNo(first.id))).toEqual({ status: 200, text: 'success' });
      const firstTrade = epay.orders.get(tradeNo(first.id))?.trade_no ?? '';
      const second = await startEpay('2');
      const before = await balanceNano();
      // Signed and for our order, but naming the first order's trade: a mix-up a retry cannot mend.
      const clash = await epay.notify(tradeNo(second.id), { over: { trade_no: firstTrade } });
      expect(clash).toEqual({ status: 200, text: 'success' });
      expect(await balanceNano()).toBe(before);
      expect(await order(second.id)).toMatchObject({ status: 'pending', providerRef: null });
      expect(await order(first.id)).toMatchObject({ status: 'paid', providerRef: firstTrade });
    });

    it('waits for TRADE_SUCCESS and credits once under concurrent notifications', async () => {
      const before = await balanceNano();
      const created = await startEpay('1.5');
      expect(await epay.notify(tradeNo(created.id), { over: { trade_status: 'WAIT_BUYER_PAY' } })).toEqual({
        status: 200,
        text: 'success',
      });
      expect(await balanceNano()).toBe(before);
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          epay.notify(tradeNo(created.id), { method: i % 2 ? 'POST' : 'GET' }),
        ),
      );
      expect(results.every((r) => r.status === 200 && r.text === 'success')).toBe(true);
      expect((await balanceNano()) - before).toBe(1_500_000_000n);
      expect(await topupLines(created.id)).toHaveLength(1);
      expect(await db.getRepository(PaymentEvent).countBy({ orderId: created.id, outcome: 'credited' })).toBe(
        1,
      );
    });
  });

  describe('paying an open invoice online', () => {
    /** An issued invoice of `totalUsd` (the worker's output, written directly: issuing is not under test). */
    const openInvoice = (
      totalUsd: string,
      tenantId = tenant.id,
      inCny?: { rate: string; totalMinor: string },
      linesUsd: string[] = [totalUsd],
    ): Promise<Invoice> => seedOpenInvoice(db, totalUsd, tenantId, inCny, linesUsd);
    const settlementsOf = (invoiceId: string) => db.getRepository(InvoiceSettlement).findBy({ invoiceId });
    const invoiceStatus = async (invoiceId: string) =>
      (await finance.get(`/api/invoices/${invoiceId}`).expect(200)).body.status as string;

    it('refuses an invoice that is not the tenant’s, not open, or less than the amount, naming the field', async () => {
      const before = await db.getRepository(TopupOrder).count();
      const invoice = await openInvoice('40');
      const other = await seedTenant(api);
      const foreign = await openInvoice('40', other.id);
      const start = (body: object) => owner.post(`/api/tenants/${tenant.id}/topup-orders`, body);
      const notUuid = await start({ amountUsd: '5', provider: 'stripe', invoiceId: 'nope' }).expect(400);
      expect(fields(notUuid.body)).toEqual(['invoiceId']);
      for (const invoiceId of [foreign.id, randomUUID()]) {
        const res = await start({ amountUsd: '5', provider: 'stripe', invoiceId }).expect(400);
        expect(fields(res.body)).toEqual(['invoiceId']);
      }
      const tooMuch = await start({ amountUsd: '40.01', provider: 'stripe', invoiceId: invoice.id }).expect(
        400,
      );
      expect(tooMuch.body.code).toBe('payment_exceeds_balance');
      expect(fields(tooMuch.body)).toEqual(['amountUsd']);
      // Paid in full by a manual payment: no longer open.
      await root
        .post(`/api/invoices/${invoice.id}/payments`, { amountUsd: '40', reference: 'WIRE-1' })
        .expect(201);
      const paid = await start({ amountUsd: '5', provider: 'stripe', invoiceId: invoice.id }).expect(409);
      expect(paid.body.code).toBe('invoice_not_payable');
      expect(fields(paid.body)).toEqual(['invoiceId']);
      expect(await db.getRepository(TopupOrder).count()).toBe(before);
    });

    it('charges a USD invoice the cents it states, its lines rounded one by one, not its exact total rounded', async () => {
      // Three lines of $10.105: the invoice states $10.11 each, $30.33 in all; the exact $30.315 is $30.32.
      const invoice = await openInvoice('30.315', tenant.id, undefined, ['10.105', '10.105', '10.105']);
      const stated = (await finance.get(`/api/invoices/${invoice.id}`).expect(200)).body as {
        roundedUsd: { total: string; balanceDue: string };
      };
      expect(stated.roundedUsd).toMatchObject({ total: '30.33', balanceDue: '30.33' });
      const created = (
        await owner
          .post(`/api/tenants/${tenant.id}/topup-orders`, {
            amountUsd: '30.315',
            provider: 'stripe',
            invoiceId: invoice.id,
          })
          .expect(201)
      ).body as OrderView;
      expect(stripe.sessions.get(created.providerRef ?? '')).toMatchObject({ amount_total: 3033 });
      const event = stripe.event(created.providerRef ?? '');
      expect(await stripe.deliver(webhookUrl, event, WEBHOOK_SECRET)).toMatchObject({
        status: 200,
        body: { outcome: 'invoice_settled' },
      });
      expect(await invoiceStatus(invoice.id)).toBe('paid');
    });

    it('settles the invoice through Stripe in the same transaction, not the balance, once', async () => {
      const invoice = await openInvoice('30');
      const before = await balanceNano();
      const created = (
        await owner
          .post(`/api/tenants/${tenant.id}/topup-orders`, {
            amountUsd: '30',
            provider: 'stripe',
            invoiceId: invoice.id,
          })
          .expect(201)
      ).body as OrderView;
      expect(created).toMatchObject({ invoiceId: invoice.id, status: 'pending' });
      expect(stripe.sessions.get(created.providerRef ?? '')).toMatchObject({ amount_total: 3000 });
      const event = stripe.event(created.providerRef ?? '');
      expect(await stripe.deliver(webhookUrl, event, WEBHOOK_SECRET)).toEqual({
        status: 200,
        body: { received: true, outcome: 'invoice_settled' },
      });
      expect(await balanceNano()).toBe(before);
      expect(await topupLines(created.id)).toHaveLength(0);
      expect(await order(created.id)).toMatchObject({ status: 'paid', ledgerEntryId: null });
      const settlements = await settlementsOf(invoice.id);
      expect(settlements).toEqual([
        expect.objectContaining({
          amountNano: 30_000_000_000n,
          reference: `payment:${created.id}`,
          source: 'online',
          recordedBy: null,
        }),
      ]);
      expect(await invoiceStatus(invoice.id)).toBe('paid');
      // Replays: the same event and Stripe's other "paid" event settle nothing more.
      expect((await stripe.deliver(webhookUrl, event, WEBHOOK_SECRET)).body).toMatchObject({
        outcome: 'duplicate',
      });
      const late = stripe.event(created.providerRef ?? '', 'checkout.session.async_payment_succeeded');
      expect((await stripe.deliver(webhookUrl, late, WEBHOOK_SECRET)).body).toMatchObject({
        outcome: 'duplicate',
      });
      expect(await settlementsOf(invoice.id)).toHaveLength(1);
      expect(await balanceNano()).toBe(before);
    });

    it('settles part of an invoice through EPay under concurrent notifications, once', async () => {
      const invoice = await openInvoice('20');
      const before = await balanceNano();
      const created = (
        await finance
          .post(`/api/tenants/${tenant.id}/topup-orders`, {
            amountUsd: '12.5',
            provider: 'epay',
            method: 'alipay',
            invoiceId: invoice.id,
          })
          .expect(201)
      ).body as OrderView;
      expect((await fetch(created.payUrl)).status).toBe(200);
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          epay.notify(tradeNo(created.id), { method: i % 2 ? 'POST' : 'GET' }),
        ),
      );
      expect(results.every((r) => r.status === 200 && r.text === 'success')).toBe(true);
      expect(await settlementsOf(invoice.id)).toEqual([
        expect.objectContaining({ amountNano: 12_500_000_000n, reference: `payment:${created.id}` }),
      ]);
      expect(await balanceNano()).toBe(before);
      expect(await invoiceStatus(invoice.id)).toBe('open');
      // What is left (7.5) is now the most another online payment may be.
      await finance
        .post(`/api/tenants/${tenant.id}/topup-orders`, {
          amountUsd: '7.51',
          provider: 'stripe',
          invoiceId: invoice.id,
        })
        .expect(400);
    });

    it('charges an invoice in CNY what it states in CNY, at its own rate, to the last fen', async () => {
      // 15.427973246 USD at 7.123456 states 109.92 CNY (its lines converted one by one), although
      // the USD total × 7.123456 is 109.90, and at EPay's 7.2 it would be 111.08.
      const invoice = await openInvoice('15.427973246', tenant.id, { rate: '7.123456', totalMinor: '10992' });
      const pay = async (amountUsd: string): Promise<OrderView> => {
        const created = (
          await owner
            .post(`/api/tenants/${tenant.id}/topup-orders`, {
              amountUsd,
              provider: 'epay',
              method: 'alipay',
              invoiceId: invoice.id,
            })
            .expect(201)
        ).body as OrderView;
        expect((await fetch(created.payUrl)).status).toBe(200);
        expect(await epay.notify(tradeNo(created.id))).toMatchObject({ status: 200, text: 'success' });
        return created;
      };
      // Paid in two parts: the first its share (5 / 15.427973246 × 109.92 = 35.62), the last the rest.
      const first = await pay('5');
      expect(first).toMatchObject({ currency: 'cny', chargeAmount: '35.62', usdRate: '7.123456' });
      expect(epay.orders.get(tradeNo(first.id))?.money).toBe('35.62');
      // The invoice says what is left in CNY, which is what paying the rest costs.
      expect((await finance.get(`/api/invoices/${invoice.id}`).expect(200)).body.converted).toMatchObject({
        total: '109.92',
        amountDue: '109.92',
        balanceDue: '74.30',
      });
      const last = await pay('10.427973246');
      expect(last).toMatchObject({ chargeAmount: '74.30', usdRate: '7.123456' });
      expect(await invoiceStatus(invoice.id)).toBe('paid');
      const settled = (await settlementsOf(invoice.id)).reduce((sum, s) => sum + s.amountNano, 0n);
      expect(settled).toBe(15_427_973_246n);
      // Through a provider in another currency the USD balance is charged at the provider's rate.
      const other = await openInvoice('15.427973246', tenant.id, { rate: '7.123456', totalMinor: '10992' });
      const inUsd = (
        await owner
          .post(`/api/tenants/${tenant.id}/topup-orders`, {
            amountUsd: '15.427973246',
            provider: 'stripe',
            invoiceId: other.id,
          })
          .expect(201)
      ).body as OrderView;
      expect(inUsd).toMatchObject({ currency: 'usd', chargeAmount: '15.43', usdRate: '1' });
    });

    it('credits the balance when the invoice was paid another way before the money arrived', async () => {
      const invoice = await openInvoice('8');
      const created = (
        await owner
          .post(`/api/tenants/${tenant.id}/topup-orders`, {
            amountUsd: '8',
            provider: 'stripe',
            invoiceId: invoice.id,
          })
          .expect(201)
      ).body as OrderView;
      await root
        .post(`/api/invoices/${invoice.id}/payments`, { amountUsd: '8', reference: 'WIRE-8' })
        .expect(201);
      const before = await balanceNano();
      const event = stripe.event(created.providerRef ?? '');
      expect((await stripe.deliver(webhookUrl, event, WEBHOOK_SECRET)).body).toMatchObject({
        outcome: 'credited',
      });
      expect((await balanceNano()) - before).toBe(8_000_000_000n);
      expect(await topupLines(created.id)).toHaveLength(1);
      expect(await settlementsOf(invoice.id)).toEqual([expect.objectContaining({ reference: 'WIRE-8' })]);
    });
  });

  describe('orders and the books', () => {
    it('lists the tenant’s orders to its owner and finance, not to others', async () => {
      const list = await finance.get(`/api/tenants/${tenant.id}/topup-orders?status=paid`).expect(200);
      expect(list.body.total).toBeGreaterThanOrEqual(5);
      expect(list.body.items.every((o: OrderView) => o.status === 'paid' && o.tenantId === tenant.id)).toBe(
        true,
      );
      const admin = await sessionAs(api, Role.Admin, tenant.id);
      await admin.get(`/api/tenants/${tenant.id}/topup-orders`).expect(403);
      const otherOwner = await sessionAs(api, Role.Owner, (await seedTenant(api)).id);
      await otherOwner.get(`/api/tenants/${tenant.id}/topup-orders`).expect(404);
      await root.get(`/api/tenants/${tenant.id}/topup-orders`).expect(200);
    });

    it('keeps the ledger, the balance row and the paid orders equal', async () => {
      const [sums] = (await db.query(
        `SELECT (SELECT COALESCE(SUM(amount_nano), 0) FROM ledger_entries WHERE tenant_id = $1) AS ledger,
                (SELECT balance_nano FROM tenant_balances WHERE tenant_id = $1) AS balance,
                (SELECT COALESCE(SUM(amount_nano), 0) FROM topup_orders
                  WHERE tenant_id = $1 AND status = 'paid' AND ledger_entry_id IS NOT NULL) AS paid`,
        [tenant.id],
      )) as { ledger: string; balance: string; paid: string }[];
      expect(sums?.ledger).toBe(sums?.balance);
      expect(sums?.paid).toBe(sums?.ledger);
      expect((await api.app.get(BalanceMirror).snapshot(tenant.id))?.balance.toString()).toBe(sums?.balance);
    });
  });
});
