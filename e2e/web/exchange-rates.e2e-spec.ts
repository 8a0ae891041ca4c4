// The exchange rates card of Settings in real headless Chromium against the real api serving the
// built SPA (npm run build:web first): it lists the rates set, and saving it changes only the rows
// edited there, so a rate a finance script set meanwhile through
// PUT /api/settings/exchange-rates/:currency/:period is still there after a super admin saves.
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { TEST_ADMIN } from '@gateway/testing';
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { type ApiHarness, startApi } from '../../apps/api/test/api-harness';
import { openConsolePage } from './console-browser';

const ROOT = resolve(__dirname, '../..');
const ARTIFACTS = join(ROOT, 'test-artifacts/web');

interface Rate {
  period: string;
  currency: string;
  rate: string;
}

describe('exchange rates on the settings page (browser)', () => {
  let api: ApiHarness;
  let browser: Browser;
  let page: Page;
  let admin: string;
  const pageErrors: string[] = [];

  const testId = (id: string) => page.getByTestId(id);
  const putRate = (currency: string, period: string, rate: string) =>
    request(api.url)
      .put(`/api/settings/exchange-rates/${currency}/${period}`)
      .set('authorization', `Bearer ${admin}`)
      .send({ rate })
      .expect(200);
  const storedRates = async () =>
    (await request(api.url).get('/api/settings').set('authorization', `Bearer ${admin}`).expect(200)).body
      .exchangeRates as Rate[];
  /** The card's rows as the page shows them. */
  const shownRates = async () => {
    const periods = await testId('rate-period').evaluateAll((els) =>
      els.map((el) => (el as unknown as { value: string }).value),
    );
    const rates = await testId('rate-value').evaluateAll((els) =>
      els.map((el) => (el as unknown as { value: string }).value),
    );
    const currencies = await testId('rate-currency').evaluateAll((els) =>
      els.map((el) => (el as unknown as { value: string }).value),
    );
    return periods.map((period, i) => ({ period, currency: currencies[i], rate: rates[i] }));
  };

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist/apps/web/index.html'))) {
      throw new Error('dist/apps/web is missing: run npm run build:web first (npm test does)');
    }
    mkdirSync(ARTIFACTS, { recursive: true });
    api = await startApi('web_exchange_rates');
    admin = await api.adminToken();
    await putRate('EUR', '2026-10', '0.92');
    await putRate('JPY', '2026-10', '150');
    ({ browser, page } = await openConsolePage(pageErrors));
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it('lists the rates set', async () => {
    await page.goto(`${api.url}/settings`);
    await page.waitForURL(/\/login/);
    await testId('login-email').fill(TEST_ADMIN.email);
    await testId('login-password').fill(TEST_ADMIN.password);
    await testId('login-submit').click();
    await page.waitForURL(/\/settings$/);
    await testId('rate-period').first().waitFor();
    expect(await shownRates()).toEqual([
      { period: '2026-10', currency: 'EUR', rate: '0.92' },
      { period: '2026-10', currency: 'JPY', rate: '150' },
    ]);
  });

  it('saves only the rows edited on the page, keeping a rate a script set meanwhile', async () => {
    // While the page is open, a finance script sets November's pound.
    await putRate('GBP', '2026-11', '0.79');

    // The super admin corrects the euro, removes the yen and adds November's yuan.
    await testId('rate-value').nth(0).fill('0.93');
    await testId('rates-card').getByRole('button', { name: 'Delete' }).nth(1).click();
    await testId('rate-add').click();
    await testId('rate-period').nth(1).fill('2026-11');
    await testId('rate-value').nth(1).fill('7.1');
    await testId('rate-currency').nth(1).fill('cny');
    await testId('rates-save').click();
    await page.getByText('Settings saved', { exact: false }).first().waitFor();

    const expected = [
      { period: '2026-11', currency: 'CNY', rate: '7.1' },
      { period: '2026-11', currency: 'GBP', rate: '0.79' },
      { period: '2026-10', currency: 'EUR', rate: '0.93' },
    ];
    expect(await storedRates()).toEqual(expected);
    // The card shows what is stored now, the script's rate included.
    await page.waitForFunction(`document.querySelectorAll('[data-testid="rate-period"]').length === 3`);
    expect(await shownRates()).toEqual(expected);
    await page.screenshot({ path: join(ARTIFACTS, 'settings-exchange-rates.en.png'), fullPage: true });
  });

  it('names a month listed twice on the page and changes nothing', async () => {
    const before = await storedRates();
    await testId('rate-add').click();
    await testId('rate-period').nth(3).fill('2026-11');
    await testId('rate-value').nth(3).fill('7.2');
    await testId('rate-currency').nth(3).fill('CNY');
    await testId('rates-save').click();
    await testId('rates-card').getByText('CNY is listed twice for 2026-11').waitFor();
    expect(await storedRates()).toEqual(before);
    expect(pageErrors).toEqual([]);
  });
});
