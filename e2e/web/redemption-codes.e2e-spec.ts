// Revoking a leaked batch of redemption codes in real headless Chromium against the real api serving
// the built SPA (npm run build:web first): the operator disables the batch from the codes tab, the
// code already redeemed stays redeemed, and redeeming another is refused. Screenshots (en) go to
// test-artifacts/web/.
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { TEST_ADMIN, waitFor } from '@gateway/testing';
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { type ApiHarness, startApi } from '../../apps/api/test/api-harness';
import { openConsolePage, UI_TIMEOUT } from './console-browser';
import { seedTenantWithToken } from '../../apps/api/test/relay/relay-fixture';

const ROOT = resolve(__dirname, '../..');
const ARTIFACTS = join(ROOT, 'test-artifacts/web');

interface Code {
  id: string;
  code: string;
  status: string;
}

describe('revoking redemption codes in the console (browser)', () => {
  let api: ApiHarness;
  let browser: Browser;
  let page: Page;
  let admin: string;
  let tenantId: string;
  let codes: Code[];
  const pageErrors: string[] = [];

  const testId = (id: string) => page.getByTestId(id);
  const admin$ = () => ({ authorization: `Bearer ${admin}` });
  const statuses = async () => {
    const res = await request(api.url).get('/api/redemption-codes').set(admin$()).expect(200);
    const items = (res.body as { items: Code[] }).items;
    return codes.map((code) => items.find((item) => item.id === code.id)?.status);
  };

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist/apps/web/index.html'))) {
      throw new Error('dist/apps/web is missing: run npm run build:web first (npm test does)');
    }
    mkdirSync(ARTIFACTS, { recursive: true });
    api = await startApi('web_redemption_codes');
    admin = await api.adminToken();
    ({ tenantId } = await seedTenantWithToken(api, admin));
    const created = await request(api.url)
      .post('/api/redemption-codes')
      .set(admin$())
      .send({ count: 3, amountUsd: '5', note: 'leaked' })
      .expect(201);
    codes = (created.body as { items: Code[] }).items;
    await request(api.url)
      .post('/api/redemption-codes/redeem')
      .set(admin$())
      .send({ code: codes[0]!.code, tenantId })
      .expect(200);
    ({ browser, page } = await openConsolePage(pageErrors));
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it('disables the batch from the codes tab; the redeemed code stays redeemed', async () => {
    await page.goto(`${api.url}/billing?tab=codes`);
    await page.waitForURL(/\/login/);
    await testId('login-email').fill(TEST_ADMIN.email);
    await testId('login-password').fill(TEST_ADMIN.password);
    await testId('login-submit').click();
    await page.waitForURL(/\/billing/);
    // The redeemed code offers nothing to revoke; the others do.
    await testId(`disable-batch-${codes[1]!.id}`).waitFor();
    expect(await testId(`disable-code-${codes[0]!.id}`).count()).toBe(0);

    await testId(`disable-batch-${codes[1]!.id}`).click();
    await page.getByRole('button', { name: 'Disable batch' }).last().click();
    await page.getByText('2 codes disabled').waitFor();
    await waitFor(
      'the batch disabled',
      async () => {
        const now = await statuses();
        return now[1] === 'disabled' && now[2] === 'disabled' ? now : undefined;
      },
      UI_TIMEOUT,
    );
    expect(await statuses()).toEqual(['redeemed', 'disabled', 'disabled']);
    await page.getByRole('cell', { name: 'disabled' }).first().waitFor();
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(ARTIFACTS, 'redemption-codes-disabled.en.png'), fullPage: true });

    const refused = await request(api.url)
      .post('/api/redemption-codes/redeem')
      .set(admin$())
      .send({ code: codes[1]!.code, tenantId })
      .expect(410);
    expect(refused.body.code).toBe('redemption_code_disabled');
    expect(pageErrors).toEqual([]);
  });
});
