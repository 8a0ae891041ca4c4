// The console's pickers offer what the api stores, in real headless Chromium against the real api
// serving the built SPA (npm run build:web first): a time zone the api keeps by its IANA name
// (Asia/Kolkata) is shown selected and found by its old name (Asia/Calcutta, which Chromium lists)
// or its new one; the audit log's filter offers every entity type the api writes.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { TEST_ADMIN } from '@gateway/testing';
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { type ApiHarness, startApi } from '../../apps/api/test/api-harness';
import { openConsolePage } from './console-browser';

const ROOT = resolve(__dirname, '../..');
const SHOTS = process.env['SCREENSHOT_DIR'];

describe('zone picker and audit filter (browser)', () => {
  let api: ApiHarness;
  let browser: Browser;
  let page: Page;
  let admin: string;
  let channelId: string;
  const pageErrors: string[] = [];

  const testId = (id: string) => page.getByTestId(id);
  const option = (text: string) =>
    page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option', {
      hasText: new RegExp(`^${text}$`),
    });

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist/apps/web/index.html'))) {
      throw new Error('dist/apps/web is missing: run npm run build:web first (npm test does)');
    }
    api = await startApi('web_zone_picker');
    admin = await api.adminToken();
    const channel = await request(api.url)
      .post('/api/channels')
      .set('authorization', `Bearer ${admin}`)
      .send({
        name: 'mumbai',
        type: 'openai',
        baseUrl: 'https://api.openai.com/v1',
        models: ['gpt-4o'],
        dayResetZone: 'Asia/Calcutta',
      })
      .expect(201);
    channelId = channel.body.id as string;
    await request(api.url)
      .post('/api/tenants')
      .set('authorization', `Bearer ${admin}`)
      .send({ name: 'Pune Co', timezone: 'Asia/Calcutta' })
      .expect(201);
    expect(channel.body).toMatchObject({ dayResetZone: 'Asia/Kolkata' });
    ({ browser, page } = await openConsolePage(pageErrors));
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it('logs in', async () => {
    await page.goto(`${api.url}/channels/${channelId}?tab=settings`);
    await page.waitForURL(/\/login/);
    await testId('login-email').fill(TEST_ADMIN.email);
    await testId('login-password').fill(TEST_ADMIN.password);
    await testId('login-submit').click();
    await page.waitForURL(/\/channels\//);
  });

  it('shows a stored Asia/Kolkata selected, and finds it by its old name or its new one', async () => {
    await page.getByText('Timeouts, health probes and daily reset').click();
    const zone = testId('channel-day-reset-zone');
    await zone.getByText('Asia/Kolkata', { exact: true }).waitFor();
    await zone.click();
    await page.keyboard.type('Calcutta');
    await option('Asia/Kolkata').waitFor();
    if (SHOTS) await page.screenshot({ path: join(SHOTS, 'zone-picker-calcutta.png') });
    await page.keyboard.press('Escape');
    await zone.click();
    await page.keyboard.type('Kolkata');
    await option('Asia/Kolkata').waitFor();
    expect(await option('Asia/Calcutta').count()).toBe(0);
    await page.keyboard.press('Escape');
    await zone.click();
    await page.keyboard.type('UTC');
    await option('UTC').waitFor();
    expect(await option('UTC').count()).toBe(1);
    await page.keyboard.press('Escape');
  });

  it('shows a tenant’s stored Asia/Kolkata selected in its edit dialog', async () => {
    await page.goto(`${api.url}/tenants`);
    await page
      .getByRole('row', { name: /Pune Co/ })
      .getByRole('button', { name: 'Edit' })
      .click();
    const zone = page.getByRole('dialog').getByTestId('tenant-timezone');
    await zone.getByText('Asia/Kolkata', { exact: true }).waitFor();
    await zone.click();
    await page.keyboard.type('Calcutta');
    await option('Asia/Kolkata').waitFor();
    await page.keyboard.press('Escape');
  });

  it('offers every entity type the api writes in the audit log’s filter', async () => {
    await page.goto(`${api.url}/audit`);
    for (const label of ['Invoice payment reversal', 'Ledger entry', 'Top-up order']) {
      await testId('audit-entity-type').click();
      await page.keyboard.type(label);
      await option(label).waitFor();
      await page.keyboard.press('Escape');
    }
  });

  it('threw no uncaught error in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
