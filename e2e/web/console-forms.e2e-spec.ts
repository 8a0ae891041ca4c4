// How the console's forms and frame hold up under a hurried or small-screened operator, in real
// headless Chromium against the real api serving the built SPA (npm run build:web first): a double
// click on a dialog's OK saves once.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { TEST_ADMIN } from '@gateway/testing';
import { type Browser, chromium, type Page } from 'playwright-core';
import request from 'supertest';
import { type ApiHarness, startApi } from '../../apps/api/test/api-harness';

const ROOT = resolve(__dirname, '../..');
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const UI_TIMEOUT = 20_000;

describe('console forms (browser)', () => {
  let api: ApiHarness;
  let browser: Browser;
  let page: Page;
  let admin: string;
  let tenantId: string;
  const pageErrors: string[] = [];

  const testId = (id: string) => page.getByTestId(id);
  /** Until antd's enter/leave motions and loading spinners are done. */
  const settled = () =>
    page.waitForFunction(
      "!document.querySelector('.ant-spin-spinning') && document.getAnimations().every(" +
        "(a) => a.playState !== 'running' || a.effect.getComputedTiming().iterations === Infinity)",
    );

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist/apps/web/index.html'))) {
      throw new Error('dist/apps/web is missing: run npm run build:web first (npm test does)');
    }
    api = await startApi('web_console_forms');
    admin = await api.adminToken();
    const tenant = await request(api.url)
      .post('/api/tenants')
      .set('authorization', `Bearer ${admin}`)
      .send({ name: 'Hurried Co' })
      .expect(201);
    tenantId = tenant.body.id as string;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    });
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1440, height: 900 } });
    context.setDefaultTimeout(UI_TIMEOUT);
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it('logs in', async () => {
    await page.goto(`${api.url}/billing?tenantId=${tenantId}`);
    await page.waitForURL(/\/login/);
    await testId('login-email').fill(TEST_ADMIN.email);
    await testId('login-password').fill(TEST_ADMIN.password);
    await testId('login-submit').click();
    await page.waitForURL(/\/billing/);
    await testId('billing-balanceUsd').filter({ hasText: '$0.00' }).waitFor();
  });

  it('tops up once when OK is double-clicked', async () => {
    await testId('topup').click();
    await testId('credit-amount').fill('10');
    await settled();
    // Both clicks land before the first save has re-rendered the button as loading.
    await testId('credit-save').dblclick();
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    await testId('ledger-table').getByText('top-up').first().waitFor();
    await page.waitForTimeout(500); // a second top-up, were one sent, has landed by now
    const ledger = await request(api.url)
      .get(`/api/tenants/${tenantId}/ledger`)
      .set('authorization', `Bearer ${admin}`)
      .expect(200);
    expect((ledger.body as { items: { kind: string }[] }).items.map((entry) => entry.kind)).toEqual([
      'topup',
    ]);
    await page.reload();
    await testId('billing-balanceUsd').filter({ hasText: '$10.00' }).waitFor();
  });

  it('threw no uncaught error in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
