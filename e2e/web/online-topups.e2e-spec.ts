// Online top-ups in the console, in real headless Chromium against the real api and local fakes of
// Stripe and EPay: a super admin configures both providers on the Settings page, then a tenant's
// owner tops up from the Billing page through EPay (Alipay) and Stripe Checkout: the browser goes to
// the provider's page, the provider notifies the gateway, and back on Billing the order shows paid
// and the balance credited. Screenshots in English and Chinese go to test-artifacts/web/.
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { usdToNano } from '@gateway/db';
import { AuditLog } from '@gateway/audit';
import { Role } from '@gateway/identity';
import { Invoice, InvoiceDelivery, invoiceIdFor, InvoiceSettlement } from '@gateway/invoices';
import { TEST_ADMIN } from '@gateway/testing';
import * as argon2 from 'argon2';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { ApiHarness, startApi } from '../../apps/api/test/api-harness';
import { animationsSettled, openConsolePage } from './console-browser';
import { seedTenant, seedUser } from '../../apps/api/test/fixtures';
import { FakeEpay, startFakeEpay } from '../../apps/api/test/payments/fake-epay';
import { FakeStripe, startFakeStripe } from '../../apps/api/test/payments/fake-stripe';

const ROOT = resolve(__dirname, '../..');
const ARTIFACTS = join(ROOT, 'test-artifacts/web');
const OWNER = { email: 'payer@acme.test', password: 'payer-password-1' };
const WEBHOOK_SECRET = 'whsec_c2lnbmluZ3NlY3JldGZvcnRlc3Rz';

describe('online top-ups (browser)', () => {
  let api: ApiHarness;
  let stripe: FakeStripe;
  let epay: FakeEpay;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let tenantId = '';
  const pageErrors: string[] = [];

  const shot = async (name: string) => {
    await page.waitForTimeout(300);
    await animationsSettled(page);
    await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  };
  const testId = (id: string) => page.getByTestId(id);
  /**
   * Picks a way to pay in the open dialog until its preview says `text`: a click that lands while
   * the dialog is still animating open on a loaded machine is tried again (twice at most).
   */
  const pickWay = async (label: string, text: string) => {
    for (let attempt = 1; ; attempt++) {
      await page.getByRole('dialog').getByText(label).click();
      try {
        await testId('pay-online-preview').filter({ hasText: text }).waitFor({ timeout: 5_000 });
        return;
      } catch (error) {
        if (attempt === 3) throw error;
      }
    }
  };
  const login = async (email: string, password: string) => {
    await page.goto(`${api.url}/login`);
    await testId('login-email').fill(email);
    await testId('login-password').fill(password);
    await testId('login-submit').click();
    await testId('page-title').waitFor();
  };
  const language = async (lang: 'en' | 'zh-CN') => {
    await testId(`language-${lang}`).click();
    await page.waitForFunction(`document.documentElement.lang === '${lang}'`);
  };

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist/apps/web/index.html'))) {
      throw new Error('dist/apps/web is missing: run npm run build:web first (npm test does)');
    }
    mkdirSync(ARTIFACTS, { recursive: true });
    stripe = await startFakeStripe();
    epay = await startFakeEpay();
    api = await startApi('web_payments', { STRIPE_API_URL: stripe.url });
    const tenant = await seedTenant(api, { name: 'Acme Payments' });
    tenantId = tenant.id;
    await seedUser(api, Role.Owner, tenant.id, {
      email: OWNER.email,
      passwordHash: await argon2.hash(OWNER.password),
    });
    ({ browser, context, page } = await openConsolePage(pageErrors));
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await stripe?.close();
    await epay?.close();
  });

  it('a super admin configures Stripe and EPay on the Settings page; secrets show only masked', async () => {
    await login(TEST_ADMIN.email, TEST_ADMIN.password);
    await page.goto(`${api.url}/settings`);
    const providers = testId('payment-providers');
    await providers.waitFor();
    // Enabling without secrets is refused, with the field named.
    await testId('stripe-enabled').click();
    await testId('stripe-save').click();
    await providers.getByText('set secretKey, webhookSecret before enabling stripe').first().waitFor();

    await testId('stripe-secretKey').fill(stripe.secretKey);
    await testId('stripe-webhookSecret').fill(WEBHOOK_SECRET);
    await testId('stripe-save').click();
    await page.getByText('Payment provider saved').first().waitFor();
    await testId('epay-gatewayUrl').fill(epay.url);
    await testId('epay-pid').fill(epay.pid);
    await testId('epay-key').fill(epay.key);
    await testId('epay-usdRate').fill('7.2');
    await testId('epay-enabled').click();
    await testId('epay-save').click();
    await page.getByText('Payment provider saved').first().waitFor();
    await page.reload();
    await providers.waitFor();
    expect(await testId('stripe-secretKey').getAttribute('placeholder')).toBe(
      `sk_test_…${stripe.secretKey.slice(-4)}`,
    );
    expect(await testId('notify-url-stripe').textContent()).toBe(`${api.url}/api/payments/stripe/webhook`);
    expect(await testId('notify-url-epay').textContent()).toBe(`${api.url}/api/payments/epay/notify`);
    expect(await page.content()).not.toContain(stripe.secretKey);
    await providers.scrollIntoViewIfNeeded();
    await shot('settings-payments.en');
    await language('zh-CN');
    await providers.getByText('支付渠道').first().waitFor();
    await shot('settings-payments.zh-CN');
    await language('en');
    await testId('account-menu').click();
    await testId('logout').click();
    await page.waitForURL(/\/login$/);
  });

  it('the owner pays through EPay (Alipay); back on Billing the order is paid and the balance credited', async () => {
    await login(OWNER.email, OWNER.password);
    await page.goto(`${api.url}/billing`);
    const card = testId('online-topup');
    await card.waitFor();
    await testId('topup-amount').fill('10');
    await card.getByText('Alipay').click();
    await testId('topup-preview').filter({ hasText: '72.00 CNY' }).waitFor();
    await shot('billing-topup.en');
    // A double click places one order, not two.
    await testId('topup-pay').dblclick();
    // The browser is on the gateway's page, with the signed order it accepted.
    await page.waitForURL(new RegExp(`^${epay.url}/submit\\.php`));
    await page.getByText('¥72.00').waitFor();
    expect(epay.refused).toBe(0);
    const [outTradeNo, order] = [...epay.orders.entries()][0] ?? [];
    expect(order).toMatchObject({ type: 'alipay', money: '72.00' });
    expect(await epay.notify(outTradeNo ?? '')).toEqual({ status: 200, text: 'success' });

    await page.goto(order?.return_url ?? '');
    await testId('topup-return-status').filter({ hasText: '$10.00 was credited' }).waitFor();
    await testId('billing-balanceUsd').filter({ hasText: '$10.00' }).waitFor();
    await testId('topup-orders').getByText('paid', { exact: true }).waitFor();
    await testId('ledger-table').getByText('EPay alipay').waitFor();
    await shot('billing-topup-paid.en');
    const orders = await fetch(`${api.url}/api/tenants/${tenantId}/topup-orders`, {
      headers: { cookie: (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ') },
    });
    expect(((await orders.json()) as { items: { status: string }[] }).items.map((o) => o.status)).toEqual([
      'paid',
    ]);
  });

  it('the owner pays through Stripe Checkout; in Chinese too', async () => {
    await page.goto(`${api.url}/billing`);
    await language('zh-CN');
    const card = testId('online-topup');
    await card.getByText('在线充值').waitFor();
    await testId('topup-amount').fill('5');
    await card.getByText('银行卡（Stripe）').click();
    await testId('topup-preview').filter({ hasText: '5.00 USD' }).waitFor();
    await shot('billing-topup.zh-CN');
    await testId('topup-pay').click();
    await page.waitForURL(new RegExp(`^${stripe.url}/c/pay/cs_test_`));
    const session = [...stripe.sessions.values()].at(-1);
    expect(session).toMatchObject({ amount_total: 500, currency: 'usd' });
    const delivered = await stripe.deliver(
      `${api.url}/api/payments/stripe/webhook`,
      stripe.event(session?.id ?? ''),
      WEBHOOK_SECRET,
    );
    expect(delivered.status).toBe(200);

    await page.goto(session?.success_url ?? '');
    await testId('topup-return-status').filter({ hasText: '已充入余额' }).waitFor();
    await testId('billing-balanceUsd').filter({ hasText: '$15.00' }).waitFor();
    await shot('billing-topup-paid.zh-CN');
    const balance = await fetch(`${api.url}/api/tenants/${tenantId}/balance`, {
      headers: { cookie: (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ') },
    });
    expect(((await balance.json()) as { balanceUsd: string }).balanceUsd).toBe('15');
  });

  it('the owner pays an open invoice online from its page; the invoice is paid, not the balance', async () => {
    const db = api.app.get(DataSource);
    const period = '2025-06';
    const invoice = await db.getRepository(Invoice).save(
      db.getRepository(Invoice).create({
        id: invoiceIdFor(tenantId, period),
        kind: 'invoice',
        number: 'INV-2025-000042',
        tenantId,
        period,
        periodStart: new Date('2025-06-01T00:00:00Z'),
        periodEnd: new Date('2025-07-01T00:00:00Z'),
        timezone: 'UTC',
        status: 'issued',
        currency: 'USD',
        language: 'en',
        billingName: 'Acme Payments',
        billingEmail: null,
        // What an issued invoice always has: lines that add up to its subtotal (the page states them).
        lines: [
          {
            kind: 'plan_fee',
            description: 'Plan: Pro',
            model: null,
            requests: null,
            inputTokens: null,
            cachedTokens: null,
            outputTokens: null,
            amountNano: usdToNano('42').toString(),
          },
        ],
        payments: [],
        subtotalNano: usdToNano('42'),
        taxRate: '0',
        taxNano: 0n,
        totalNano: usdToNano('42'),
        creditNoteOf: null,
        reason: null,
        issuedAt: new Date(),
      }),
    );
    // Issued before an SMTP server was set: its email was skipped (only a super admin sends it again).
    await db.getRepository(InvoiceDelivery).insert({
      invoiceId: invoice.id,
      status: 'skipped',
      recipient: 'ap@acme.test',
      attempts: 0,
      lastError: 'no SMTP server is configured',
      messageId: null,
      sentAt: null,
    });
    // Still in Chinese from the test before.
    await page.goto(`${api.url}/invoices/${invoice.id}`);
    await testId('pay-online').filter({ hasText: '在线支付' }).waitFor();
    await testId('pay-online').click();
    await page.getByText('在线支付发票 INV-2025-000042').waitFor();
    // The form holds what is left to pay before a way is picked (the preview needs both).
    await page.waitForFunction(
      "document.querySelector('[data-testid=\"pay-online-amount\"]')?.value === '42'",
    );
    await pickWay('银行卡（Stripe）', '不会充值到余额');
    await shot('invoice-pay-online.zh-CN');
    await page.keyboard.press('Escape');
    await language('en');
    await testId('pay-online').filter({ hasText: 'Pay online' }).click();
    expect(await testId('pay-online-amount').inputValue()).toBe('42');
    // More than is left to pay is refused, naming the amount.
    await testId('pay-online-amount').fill('50');
    await page.getByRole('dialog').getByText('Card (Stripe)').click();
    await testId('pay-online-submit').click();
    await page.getByRole('dialog').getByText('at most 42').first().waitFor();
    await testId('pay-online-amount').fill('42');
    await testId('pay-online-preview').filter({ hasText: '42.00 USD' }).waitFor();
    await shot('invoice-pay-online.en');
    await testId('pay-online-submit').click();
    await page.waitForURL(new RegExp(`^${stripe.url}/c/pay/cs_test_`));
    const session = [...stripe.sessions.values()].at(-1);
    expect(session).toMatchObject({ amount_total: 4200, currency: 'usd' });
    const delivered = await stripe.deliver(
      `${api.url}/api/payments/stripe/webhook`,
      stripe.event(session?.id ?? ''),
      WEBHOOK_SECRET,
    );
    expect(delivered).toEqual({ status: 200, body: { received: true, outcome: 'invoice_settled' } });
    await page.goto(session?.success_url ?? '');
    await testId('topup-return-status').filter({ hasText: '$42.00 was recorded on the invoice' }).waitFor();
    await testId('billing-balanceUsd').filter({ hasText: '$15.00' }).waitFor();
    expect(await db.getRepository(InvoiceSettlement).findBy({ invoiceId: invoice.id })).toEqual([
      expect.objectContaining({ amountNano: usdToNano('42'), source: 'online' }),
    ]);
    await page.goto(`${api.url}/invoices/${invoice.id}`);
    await page.getByText('INV-2025-000042').first().waitFor();
    expect(await testId('pay-online').count()).toBe(0);
    expect(await testId('send-again').count()).toBe(0);
  });

  it('a super admin sends a skipped invoice email again from the invoice page', async () => {
    const db = api.app.get(DataSource);
    const invoiceId = invoiceIdFor(tenantId, '2025-06');
    await testId('account-menu').click();
    await testId('logout').click();
    await page.waitForURL(/\/login$/);
    await login(TEST_ADMIN.email, TEST_ADMIN.password);
    await page.goto(`${api.url}/invoices/${invoiceId}`);
    await testId('invoice-delivery').filter({ hasText: 'not sent' }).waitFor();
    await testId('send-again').filter({ hasText: 'Send again' }).waitFor();
    await shot('invoice-send-again.en');
    await testId('send-again').click();
    await page.getByText('The invoice will be emailed again.').first().waitFor();
    await testId('invoice-delivery').filter({ hasText: 'sending' }).waitFor();
    expect(await testId('send-again').count()).toBe(0);
    expect(await db.getRepository(InvoiceDelivery).findOneBy({ invoiceId })).toMatchObject({
      status: 'pending',
    });
    expect(
      await db.getRepository(AuditLog).countBy({ entityType: 'invoice_delivery', entityId: invoiceId }),
    ).toBe(1);
    await language('zh-CN');
    await testId('invoice-delivery').filter({ hasText: '发送中' }).waitFor();
    await shot('invoice-sent-again.zh-CN');
    await language('en');
  });

  it('threw no uncaught error in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
