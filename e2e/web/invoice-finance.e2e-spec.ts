// The finance side of the console in real headless Chromium against the real api and an invoice
// worker (PostgreSQL, Redis, the built SPA): a super admin fills in the invoice issuer, the SMTP
// server and a month's exchange rate on Settings; the tenant's finance user sets the billing profile
// (CNY, Chinese) on Invoices; the invoice issued for the month shows its status, due date, parties,
// CNY amounts and unit prices; the super admin records a payment of what the prepaid balance did
// not pay (the tax) and it turns paid; the month's CSV downloads. In English and in Chinese; every page is screenshotted into test-artifacts/web/.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type INestApplicationContext } from '@nestjs/common';
import { Role } from '@gateway/identity';
import { invoiceWindow, periodOf, previousPeriod } from '@gateway/invoices';
import { REDIS } from '@gateway/redis';
import { TEST_ADMIN, waitFor } from '@gateway/testing';
import { UsageIngestor, UsageRecorder } from '@gateway/usage';
import type { Browser, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { ApiHarness, startApi } from '../../apps/api/test/api-harness';
import { animationsSettled, launchChromium, openPage } from './console-browser';
import { seedTenant, seedUser, usageEvent } from '../../apps/api/test/fixtures';
import { startInvoiceWorker } from '../../apps/api/test/invoices/invoice-worker';

const ROOT = resolve(__dirname, '../..');
const ARTIFACTS = join(ROOT, 'test-artifacts/web');
const FIXTURE_PASSWORD = 'fixture-password-1';

describe('finance in the console (browser)', () => {
  let api: ApiHarness;
  let worker: INestApplicationContext;
  let browser: Browser;
  const pageErrors: string[] = [];
  const period = previousPeriod(periodOf(new Date(Date.now() - 86_400_000), 'UTC'));
  let tenantId = '';
  let financeEmail = '';

  const open = async (locale: string, email: string, password: string) => {
    const { context, page } = await openPage(browser, pageErrors, locale);
    await context.request.post(`${api.url}/api/auth/login`, { data: { email, password } });
    return { context, page };
  };
  const shot = async (page: Page, name: string) => {
    await page.waitForTimeout(300);
    await animationsSettled(page);
    await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  };

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist/apps/web/index.html'))) {
      throw new Error('dist/apps/web is missing: run npm run build:web first (npm test does)');
    }
    mkdirSync(ARTIFACTS, { recursive: true });
    // With tax, a prepaid month's invoice stays open: its usage was paid from the balance at issue
    // (a `balance` settlement), its tax (19 % of 6.03 USD: 1.1457) is left to pay.
    api = await startApi('web_finance', { INVOICE_TAX_RATE: '0.19' });
    worker = await startInvoiceWorker(api, 'web-finance-invoice-worker');
    browser = await launchChromium();
    const tenant = await seedTenant(api, {
      name: 'Acme Shanghai',
      billingEmail: 'ops@acme.example',
      createdAt: new Date(Date.now() - 400 * 86_400_000),
    });
    tenantId = tenant.id;
    financeEmail = (await seedUser(api, Role.Finance, tenant.id)).email;
    // A month of usage, the real way in, dated inside the period.
    const db = api.app.get(DataSource);
    const at = new Date(invoiceWindow(period, 'UTC').start.getTime() + 86_400_000);
    const [{ now: marker }] = (await db.query('SELECT now() AS now')) as { now: Date }[];
    const recorder = api.app.get(UsageRecorder);
    const ids = ['qwen-max', 'deepseek-chat', 'gpt-4o-mini'].map((model, i) => {
      const requestId = `web-fin-${i}`;
      recorder.record(
        usageEvent({
          requestId,
          tenantId: tenant.id,
          tokenId: '00000000-0000-4000-8000-000000000001',
          startedAt: at.toISOString(),
          model,
          promptTokens: 12_000 * (i + 1),
          completionTokens: 900 * (i + 1),
          costNano: String(1_005_000_000 * (i + 1)),
        }),
      );
      return requestId;
    });
    await recorder.flush();
    const ingestor = new UsageIngestor(api.app.get(REDIS), db, api.config);
    for (let round = await ingestor.ingestOnce(); round.read > 0; round = await ingestor.ingestOnce()) {
      // drain
    }
    await db.query(`UPDATE usage_records SET created_at = $1 WHERE request_id = ANY($2)`, [at, ids]);
    await db.query(`UPDATE ledger_entries SET created_at = $1 WHERE tenant_id = $2 AND created_at >= $3`, [
      at,
      tenant.id,
      marker,
    ]);
  });

  afterAll(async () => {
    await browser?.close();
    await worker?.close();
    await api?.close();
  });

  it('a super admin sets the issuer, the SMTP server and the month’s rate on Settings', async () => {
    const { context, page } = await open('en-US', TEST_ADMIN.email, TEST_ADMIN.password);
    await page.goto(`${api.url}/settings`);
    await page.getByTestId('issuer-card').waitFor();
    await page.getByTestId('issuer-legalName').fill('Acme AI Ltd.');
    await page.getByTestId('issuer-address').fill('1 Market St\nSan Francisco, CA');
    await page.getByTestId('issuer-save').click();
    await page.getByText('Settings saved', { exact: false }).first().waitFor();

    await page.getByTestId('smtp-host').fill('127.0.0.1');
    await page.getByTestId('smtp-from').fill('not an address');
    await page.getByTestId('smtp-save').click();
    // The api's message, on the field it names.
    await page.getByTestId('smtp-card').getByText('smtp.from must be an address', { exact: false }).waitFor();
    await page.getByTestId('smtp-from').fill('Acme Billing <billing@acme.example>');
    await page.getByTestId('smtp-save').click();
    await page.getByTestId('smtp-card').getByText('on', { exact: true }).waitFor();

    await page.getByTestId('rate-add').click();
    await page.getByTestId('rate-period').fill(period);
    await page.getByTestId('rate-value').fill('7.1234');
    await page.getByTestId('rate-currency').fill('cny');
    await page.getByTestId('rates-save').click();
    await waitFor('the rate stored', async () => {
      const res = await context.request.get(`${api.url}/api/settings`);
      const body = (await res.json()) as { exchangeRates: unknown[]; issuer: { legalName: string } | null };
      return body.exchangeRates.length === 1 && body.issuer?.legalName === 'Acme AI Ltd.' ? body : undefined;
    });
    await shot(page, 'settings-billing.en');
    await context.close();
  });

  it('finance sets the billing profile (CNY, Chinese) and the month’s invoice shows status, parties and CNY', async () => {
    const { context, page } = await open('zh-CN', financeEmail, FIXTURE_PASSWORD);
    await page.goto(`${api.url}/invoices`);
    await page.getByTestId('billing-profile').waitFor();
    await page.getByTestId('profile-legalName').fill('上海示例科技有限公司');
    await page.getByTestId('profile-currency').click();
    await page.locator('.ant-select-item-option').filter({ hasText: 'CNY' }).click();
    await page.getByTestId('profile-language').click();
    await page.locator('.ant-select-item-option').filter({ hasText: '简体中文' }).click();
    await page.getByTestId('profile-save').click();
    await page.getByText('开票信息已保存', { exact: false }).first().waitFor();
    const tenant = (await (await context.request.get(`${api.url}/api/tenants/${tenantId}`)).json()) as {
      billingProfile: { currency: string; language: string; legalName: string };
    };
    expect(tenant.billingProfile).toMatchObject({
      currency: 'CNY',
      language: 'zh-CN',
      legalName: '上海示例科技有限公司',
    });

    const issued = await context.request.post(`${api.url}/api/invoices/generate`, { data: { period } });
    const { id } = (await issued.json()) as { id: string };
    await waitFor(
      'the invoice issued',
      async () => {
        const res = await context.request.get(`${api.url}/api/invoices/${id}`);
        return res.ok() && ((await res.json()) as { pdfReady: boolean }).pdfReady ? true : undefined;
      },
      60_000,
    );
    await page.reload();
    await page.getByTestId('invoices-table').getByTestId('invoice-status-open').waitFor();
    await shot(page, 'invoices-finance.zh-CN');

    await page.goto(`${api.url}/invoices/${id}`);
    const accounting = page.getByTestId('invoice-accounting');
    await accounting.waitFor();
    for (const text of ['待付款', 'Acme AI Ltd.', '上海示例科技有限公司', '1 USD = 7.1234 CNY']) {
      await accounting.getByText(text, { exact: false }).first().waitFor();
    }
    // Each line converted and rounded, then summed: 7.16 + 14.32 + 21.48 = 42.96 CNY (6.03 USD × 7.1234
    // would be 42.954102: the stated rule, not the rate applied to the total).
    await page.getByTestId('invoice-converted').getByText('42.96 CNY').first().waitFor();
    await shot(page, 'invoice-detail-finance.zh-CN');

    // The month's CSV, with the link the page offers.
    await page.goto(`${api.url}/invoices?period=${period}`);
    const href = await page.getByTestId('invoices-csv').getAttribute('href');
    expect(href).toBe(`/api/invoices.csv?period=${period}`);
    const csv = await (await context.request.get(`${api.url}${href}`)).text();
    expect(csv).toContain('上海示例科技有限公司');
    expect(csv).toContain('42.96');
    await context.close();
  });

  it('the super admin records a payment and the invoice turns paid; in English', async () => {
    const { context, page } = await open('en-US', TEST_ADMIN.email, TEST_ADMIN.password);
    await page.goto(`${api.url}/invoices?tenantId=${tenantId}`);
    await page.getByTestId('billing-profile').waitFor();
    await page.getByTestId('invoices-table').getByTestId('invoice-status-open').waitFor();
    await page.getByTestId('invoices-table').getByRole('link').first().click();
    await page.getByTestId('record-payment').click();
    await page.getByRole('dialog').locator('input').first().fill('1.1457');
    await page.getByTestId('payment-reference').fill('wire 88231');
    await page.getByTestId('record-payment-save').click();
    await page.getByTestId('invoice-accounting').getByTestId('invoice-status-paid').waitFor();
    await page.getByTestId('invoice-settlements').getByText('wire 88231').waitFor();
    expect(await page.getByTestId('invoice-balance-due').textContent()).toMatch(/\$0(\.00)?$/);
    await shot(page, 'invoice-detail-paid.en');
    await context.close();
    expect(pageErrors).toEqual([]);
  });

  it('kept the screenshots', () => {
    for (const name of [
      'settings-billing.en',
      'invoices-finance.zh-CN',
      'invoice-detail-finance.zh-CN',
      'invoice-detail-paid.en',
    ]) {
      expect(readFileSync(join(ARTIFACTS, `${name}.png`)).length).toBeGreaterThan(10_000);
    }
  });
});
