// How the console's forms and frame hold up under a hurried or small-screened operator, in real
// headless Chromium against the real api serving the built SPA (npm run build:web first): a double
// click on a dialog's OK saves once, and so does a save sent again after its answer was lost; on a
// phone's width the header keeps the language switch on screen and the navigation's button off the
// page title.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { TEST_ADMIN } from '@gateway/testing';
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { type ApiHarness, startApi } from '../../apps/api/test/api-harness';
import { animationsSettled, loseFirstAnswer, openConsolePage, UI_TIMEOUT } from './console-browser';

const ROOT = resolve(__dirname, '../..');

describe('console forms (browser)', () => {
  let api: ApiHarness;
  let browser: Browser;
  let page: Page;
  let admin: string;
  let tenantId: string;
  const pageErrors: string[] = [];

  const testId = (id: string) => page.getByTestId(id);
  /** Until antd's enter/leave motions and loading spinners are done. */
  const settled = () => animationsSettled(page);

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
    ({ browser, page } = await openConsolePage(pageErrors));
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

  it('sends a top-up whose answer was lost again under its key, and credits once', async () => {
    // The server gets the top-up and credits it; the answer is lost on its way to the browser.
    const { keys, undo } = await loseFirstAnswer(page, '**/api/tenants/*/topups');
    try {
      await testId('topup').click();
      await testId('credit-amount').fill('5');
      await settled();
      await testId('credit-save').click();
      await page.getByRole('dialog').getByTestId('form-error').waitFor();
      await testId('credit-save').click();
      await page.getByRole('dialog').waitFor({ state: 'hidden' });
    } finally {
      await undo();
    }
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^[0-9a-f]{32}$/);
    expect(keys[1]).toBe(keys[0]);
    const ledger = await request(api.url)
      .get(`/api/tenants/${tenantId}/ledger`)
      .set('authorization', `Bearer ${admin}`)
      .expect(200);
    expect((ledger.body as { items: { amountUsd: string }[] }).items.map((line) => line.amountUsd)).toEqual([
      '5',
      '10',
    ]);

    // The next opening of the dialog is a new top-up, under a new key.
    let next: string | undefined;
    page.once('request', (req) => {
      if (req.url().endsWith('/topups')) next = req.headers()['idempotency-key'];
    });
    await settled();
    await testId('topup').click();
    await testId('credit-amount').fill('1');
    await settled();
    await testId('credit-save').click();
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    expect(next).toMatch(/^[0-9a-f]{32}$/);
    expect(next).not.toBe(keys[0]);
    await page.reload();
    await testId('billing-balanceUsd').filter({ hasText: '$16.00' }).waitFor();
  });

  it('sends a code batch whose answer was lost again under its key: one batch, its codes shown', async () => {
    const isCreate = (url: URL) => url.pathname === '/api/redemption-codes';
    // The server creates the batch; its answer, the only place its codes are shown, is lost.
    const { keys, undo } = await loseFirstAnswer(page, isCreate);
    try {
      await page.goto(`${api.url}/billing?tab=codes`);
      await testId('new-codes').click();
      await testId('codes-amount').fill('2');
      await testId('codes-note').fill('lost answer batch');
      await settled();
      await testId('codes-save').click();
      await page.getByRole('dialog').getByTestId('form-error').waitFor();
      await testId('codes-save').click();
      await testId('created-codes').waitFor();
    } finally {
      await undo();
    }
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^[0-9a-f]{32}$/);
    expect(keys[1]).toBe(keys[0]);
    const stored = await request(api.url)
      .get('/api/redemption-codes?pageSize=100')
      .set('authorization', `Bearer ${admin}`)
      .expect(200);
    const batch = (stored.body as { items: { note: string | null }[] }).items.filter(
      (code) => code.note === 'lost answer batch',
    );
    // The dialog's default count, once: the retry showed the first batch's codes, not a second's.
    expect(batch).toHaveLength(10);
    expect((await testId('created-codes').textContent())?.trim().split('\n')).toHaveLength(10);
    await page.getByRole('button', { name: 'I have stored the key' }).click();
  });

  it('redeems a code whose answer was lost again under its key: credited once, and said so', async () => {
    const batch = await request(api.url)
      .post('/api/redemption-codes')
      .set('authorization', `Bearer ${admin}`)
      .send({ count: 1, amountUsd: '3' })
      .expect(201);
    const code = (batch.body as { items: { code: string }[] }).items[0]!.code;
    const balance = async () =>
      (
        await request(api.url)
          .get(`/api/tenants/${tenantId}/balance`)
          .set('authorization', `Bearer ${admin}`)
          .expect(200)
      ).body.balanceUsd as string;
    const before = await balance();
    // The server credits the code; the answer is lost on its way to the browser.
    const { keys, undo } = await loseFirstAnswer(page, '**/api/redemption-codes/redeem');
    try {
      await page.goto(`${api.url}/billing?tenantId=${tenantId}`);
      await page.getByPlaceholder('Redemption code').fill(code);
      await page.getByRole('button', { name: 'Redeem' }).click();
      await page.locator('.ant-form-item-explain-error').waitFor();
      await page.getByRole('button', { name: 'Redeem' }).click();
      await page.getByText('$3.00 added to the balance').waitFor();
    } finally {
      await undo();
    }
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^[0-9a-f]{32}$/);
    expect(keys[1]).toBe(keys[0]);
    expect(Number(await balance()) - Number(before)).toBe(3);
  });

  it('sends an invoice request whose answer was lost again under its key, and a new opening a new key', async () => {
    // Last month must have been the tenant's for its invoice to be issuable.
    await api.app
      .get(DataSource)
      .query(`UPDATE tenants SET created_at = now() - interval '70 days' WHERE id = $1`, [tenantId]);
    const sent: string[] = [];
    const { keys, undo } = await loseFirstAnswer(page, '**/api/invoices/generate');
    const onRequest = (req: { url(): string; method(): string; headers(): Record<string, string> }) => {
      if (req.method() === 'POST' && req.url().endsWith('/api/invoices/generate')) {
        sent.push(req.headers()['idempotency-key'] ?? '');
      }
    };
    try {
      await page.goto(`${api.url}/invoices?tenantId=${tenantId}`);
      await testId('generate-invoice').click();
      await page.getByRole('dialog').getByTestId('generate-tenant').getByText('Hurried Co').waitFor();
      await settled();
      await testId('generate-save').click();
      await page.getByRole('dialog').getByTestId('form-error').waitFor();
      await testId('generate-save').click();
      await page.waitForURL(/\/invoices\/[0-9a-f-]{36}$/);
    } finally {
      await undo();
    }
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^[0-9a-f]{32}$/);
    expect(keys[1]).toBe(keys[0]);

    page.on('request', onRequest);
    try {
      await page.goto(`${api.url}/invoices?tenantId=${tenantId}`);
      await testId('generate-invoice').click();
      await page.getByRole('dialog').getByTestId('generate-tenant').getByText('Hurried Co').waitFor();
      await settled();
      await testId('generate-save').click();
      await page.waitForURL(/\/invoices\/[0-9a-f-]{36}$/);
    } finally {
      page.off('request', onRequest);
    }
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatch(/^[0-9a-f]{32}$/);
    expect(sent[0]).not.toBe(keys[0]);
  });

  it('sets the zone whose midnight resets a channel’s daily caps, showing the provider’s when none is', async () => {
    await page.goto(`${api.url}/channels/new`);
    await testId('channel-type').click();
    await page.locator('.ant-select-item-option').filter({ hasText: 'Gemini' }).click();
    await page.getByText('Timeouts, health probes and daily reset').click();
    const zone = testId('channel-day-reset-zone');
    // Empty: Google's own reset, Pacific midnight.
    await zone.getByText('Provider default (America/Los_Angeles)').waitFor();
    await testId('channel-name').fill('gemini-tokyo');
    await testId('channel-base-url').fill('https://generativelanguage.googleapis.com');
    await testId('channel-models').click();
    await page.keyboard.type('gemini-2.5-flash');
    await page.keyboard.press('Enter');
    await zone.click();
    await page.keyboard.type('Asia/Tok');
    await page.locator('.ant-select-item-option').filter({ hasText: 'Asia/Tokyo' }).click();
    await testId('channel-save').click();
    await page.waitForURL(/\/channels\/[0-9a-f-]{36}$/);
    const id = new URL(page.url()).pathname.split('/').at(-1) as string;
    const stored = await request(api.url)
      .get(`/api/channels/${id}`)
      .set('authorization', `Bearer ${admin}`)
      .expect(200);
    expect(stored.body).toMatchObject({ dayResetZone: 'Asia/Tokyo', effectiveDayResetZone: 'Asia/Tokyo' });
  });

  it('keeps the language switch on a phone’s screen and the navigation button off the title', async () => {
    const owner = {
      email: 'owner.with-a-rather-long-address@hurried-company.example',
      password: 'owner-pass-1',
    };
    await request(api.url)
      .post('/api/users')
      .set('authorization', `Bearer ${admin}`)
      .send({ ...owner, role: 'owner', tenantId })
      .expect(201);
    const phone = await browser.newContext({ locale: 'en-US', viewport: { width: 390, height: 844 } });
    phone.setDefaultTimeout(UI_TIMEOUT);
    const small = await phone.newPage();
    small.on('pageerror', (error) => pageErrors.push(error.message));
    try {
      await small.goto(`${api.url}/login`);
      await small.getByTestId('login-email').fill(owner.email);
      await small.getByTestId('login-password').fill(owner.password);
      await small.getByTestId('login-submit').click();
      await small.getByTestId('page-title').filter({ hasText: 'Dashboard' }).waitFor();
      // Every control of the header lies within the screen (a flex row wider than it spilled off its
      // left edge, where no scrolling reaches).
      for (const id of ['language-en', 'language-zh-CN', 'account-menu']) {
        const box = await small.getByTestId(id).boundingBox();
        expect({ id, left: box!.x >= 0, right: box!.x + box!.width <= 390 }).toEqual({
          id,
          left: true,
          right: true,
        });
      }
      await small.getByTestId('language-zh-CN').click();
      await small.getByTestId('page-title').filter({ hasText: '仪表盘' }).waitFor();
      await small.getByTestId('language-en').click();
      await small.getByTestId('page-title').filter({ hasText: 'Dashboard' }).waitFor();
      // The page title is not under the collapsed navigation's button.
      const title = (await small.getByTestId('page-title').boundingBox())!;
      const covered = await small.evaluate(
        `!document.querySelector('[data-testid="page-title"]').contains(` +
          `document.elementFromPoint(${title.x + 4}, ${title.y + title.height / 2}))`,
      );
      expect(covered).toBe(false);
      // The account menu names the user.
      await small.getByTestId('account-menu').click();
      await small.locator('.ant-dropdown-menu').getByText(owner.email).waitFor();
    } finally {
      await phone.close();
    }
  });

  it('keeps talking to its own server after the browser says it went offline', async () => {
    // The browser's guess at a network says nothing about the console's own server, often on
    // localhost or a LAN: a console that held its requests back until "online" would freeze.
    await page.goto(`${api.url}/billing?tenantId=${tenantId}`);
    await testId('billing-balanceUsd').filter({ hasText: /\$\d/ }).waitFor();
    await page.evaluate("window.dispatchEvent(new Event('offline'))");
    try {
      await testId('topup').click();
      await testId('credit-amount').fill('2');
      await settled();
      await testId('credit-save').click();
      await page.getByRole('dialog').waitFor({ state: 'hidden' });
      const tenant = await request(api.url)
        .get(`/api/tenants/${tenantId}`)
        .set('authorization', `Bearer ${admin}`)
        .expect(200);
      const balance = Number((tenant.body as { balanceUsd: string }).balanceUsd);
      // The balance shown is read again after the top-up, which is a query, not only the mutation.
      await testId('billing-balanceUsd')
        .filter({ hasText: `$${balance.toFixed(2)}` })
        .waitFor();
      await testId('ledger-table').getByText('$2.00').first().waitFor();
    } finally {
      await page.evaluate("window.dispatchEvent(new Event('online'))");
    }
  });

  it('threw no uncaught error in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
