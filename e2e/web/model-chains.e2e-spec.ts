// The console's routing pages in real headless Chromium against the real api serving the built SPA
// (npm run build:web first): an operator creates a model chain, reorders it by drag and drop and
// saves it, makes it the default group's `auto`, and sees on a key pool which key the upstream
// refused, which is out of credit and which model cools on which key, after real requests through
// the openai SDK. Screenshots (en and zh-CN) go to test-artifacts/web/.
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type MockUpstream, startMockUpstream } from '@gateway/mock-upstream';
import { TEST_ADMIN, waitFor } from '@gateway/testing';
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { type ApiHarness, startApi } from '../../apps/api/test/api-harness';
import { animationsSettled, openConsolePage, UI_TIMEOUT } from './console-browser';
import {
  createChannel,
  sdk,
  sdkError,
  seedTenantWithToken,
  type SeededChannel,
} from '../../apps/api/test/relay/relay-fixture';

const ROOT = resolve(__dirname, '../..');
const ARTIFACTS = join(ROOT, 'test-artifacts/web');

describe('model chains and key health in the console (browser)', () => {
  let api: ApiHarness;
  let mock: MockUpstream;
  let browser: Browser;
  let page: Page;
  let admin: string;
  let pool: SeededChannel;
  const pageErrors: string[] = [];

  const testId = (id: string) => page.getByTestId(id);
  const shot = async (name: string) => {
    await page.waitForTimeout(300);
    await animationsSettled(page);
    await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  };
  const chainOrder = async (name: string) => {
    const res = await request(api.url)
      .get('/api/model-chains')
      .set('authorization', `Bearer ${admin}`)
      .expect(200);
    return (res.body as { items: { name: string; models: string[] }[] }).items.find((c) => c.name === name)
      ?.models;
  };

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist/apps/web/index.html'))) {
      throw new Error('dist/apps/web is missing: run npm run build:web first (npm test does)');
    }
    mkdirSync(ARTIFACTS, { recursive: true });
    mock = await startMockUpstream();
    api = await startApi('web_model_chains');
    admin = await api.adminToken();
    ({ browser, page } = await openConsolePage(pageErrors));

    // A pool whose keys meet what free tiers do: one revoked, one out of credit, one with a model
    // rate limited; real requests through the SDK leave them so.
    pool = await createChannel(api, admin, {
      name: 'free-pool',
      baseUrl: mock.baseUrl,
      models: ['mm-a', 'mm-b'],
      modelMapping: { 'mm-a': 'mm-a;status=429;retryAfter=600' },
      keys: [
        { key: 'sk-mock-revoked;status=401', priority: 30 },
        { key: 'sk-mock-credit;status=402', priority: 20 },
        { key: 'sk-mock-healthy-0001', priority: 10 },
      ],
    });
    const { key } = await seedTenantWithToken(api, admin);
    const client = sdk(api, key);
    await client.chat.completions.create({ model: 'mm-b', messages: [{ role: 'user', content: 'hi' }] });
    await sdkError(
      client.chat.completions.create({ model: 'mm-a', messages: [{ role: 'user', content: 'hi' }] }),
    );
  });

  afterAll(async () => {
    await browser?.close();
    await mock?.close();
    await api?.close();
  });

  it('logs in', async () => {
    await page.goto(`${api.url}/model-chains`);
    await page.waitForURL(/\/login/);
    await testId('login-email').fill(TEST_ADMIN.email);
    await testId('login-password').fill(TEST_ADMIN.password);
    await testId('login-submit').click();
    await page.waitForURL(/\/model-chains$/);
    expect(await testId('page-title').textContent()).toBe('Model chains');
  });

  it('creates a chain, reorders it by drag and drop, saves it, and makes it the group’s auto', async () => {
    await testId('new-chain').click();
    await testId('chain-name').fill('free-chat');
    await testId('chain-models').click();
    for (const model of ['mm-a', 'mm-b', 'qwen-paid']) {
      await page.keyboard.type(model);
      await page.keyboard.press('Enter');
    }
    await page.keyboard.press('Escape');
    await testId('chain-create').click();
    await testId('model-chain-free-chat').waitFor();
    expect(await chainOrder('free-chat')).toEqual(['mm-a', 'mm-b', 'qwen-paid']);

    // Drag the last model to the top.
    await testId('chain-model-qwen-paid').dragTo(testId('chain-model-mm-a'));
    await waitFor(
      'the new order on screen',
      async () =>
        (await testId('chain-models-free-chat').innerText()).replace(/\s+/g, ' ').includes('1. qwen-paid')
          ? true
          : undefined,
      UI_TIMEOUT,
    );
    await shot('model-chains-reordered.en');
    await testId('chain-save-free-chat').click();
    await waitFor(
      'the order saved',
      async () => {
        const order = await chainOrder('free-chat');
        return order?.[0] === 'qwen-paid' ? order : undefined;
      },
      UI_TIMEOUT,
    );
    expect(await chainOrder('free-chat')).toEqual(['qwen-paid', 'mm-a', 'mm-b']);

    await testId('auto-chain').click();
    await page.locator('.ant-select-item-option').filter({ hasText: 'free-chat' }).click();
    await testId('model-chain-free-chat').getByText('auto of default').waitFor();
    const routing = await request(api.url)
      .get('/api/groups/default/routing')
      .set('authorization', `Bearer ${admin}`)
      .expect(200);
    expect(routing.body).toMatchObject({ defaultChain: 'free-chat' });
    await shot('model-chains.en');
  });

  it('shows a refused key, an account out of credit and a model cooling on a key', async () => {
    await page.goto(`${api.url}/channels/${pool.id}`);
    const table = testId('channel-keys-table');
    await table.getByTestId('key-refused').waitFor();
    await table.locator('[data-health="invalid"]').waitFor();
    await table.getByText(/the upstream refused the key while relaying/).waitFor();
    await table.getByTestId('key-cooldown').filter({ hasText: 'out of credit' }).waitFor();
    await table.getByTestId('key-model-cooldown').filter({ hasText: 'mm-a;status=429' }).waitFor();
    await shot('key-pool-health.en');
  });

  it('starts keys of a channel made from a free-tier preset at the provider’s published caps', async () => {
    await testId('nav-channels').click();
    await testId('new-channel').click();
    // Chosen by typing into the select's search: a click on the option could land while the list
    // was still moving into place (its options arrive after it opens) and choose nothing, which
    // failed this test in a full CI run. A choice that did not take is made again, twice at most.
    for (let attempt = 1; ; attempt++) {
      await testId('channel-preset').click();
      await page.keyboard.type('Groq');
      await page.locator('.ant-select-item-option-active').filter({ hasText: 'Groq' }).waitFor();
      await page.keyboard.press('Enter');
      try {
        await testId('preset-free-tier').waitFor({ timeout: 5_000 });
        break;
      } catch (error) {
        if (attempt === 3) throw error;
      }
    }
    await testId('channel-name').fill('groq-free');
    await testId('channel-base-url').fill(mock.baseUrl);
    await testId('channel-models').click();
    await page.keyboard.type('llama-3.3-70b-versatile');
    await page.keyboard.press('Enter');
    await testId('channel-keys').fill('gsk_mock-free-tier-key-0001');
    await shot('channel-new-free-tier.en');
    await testId('channel-save').click();
    await page.waitForURL(/\/channels\/[0-9a-f-]{36}$/);
    const id = /\/channels\/([0-9a-f-]{36})$/.exec(page.url())?.[1] as string;
    const keys = await request(api.url)
      .get(`/api/channels/${id}/keys`)
      .set('authorization', `Bearer ${admin}`)
      .expect(200);
    const [created] = (keys.body as { items: { modelLimits: Record<string, unknown> }[] }).items;
    expect(created?.modelLimits['llama-3.3-70b-versatile']).toEqual({
      rpm: 30,
      rpd: 1000,
      tpm: 12000,
      tpd: 100000,
    });
    await page.goto(`${api.url}/channels/${pool.id}`);
    await testId('channel-keys-table').waitFor();
  });

  it('speaks Chinese on both pages', async () => {
    await testId('language-zh-CN').click();
    await page.waitForFunction("document.documentElement.lang === 'zh-CN'");
    await testId('channel-keys-table').getByText('额度用尽').first().waitFor();
    await shot('key-pool-health.zh-CN');
    await testId('nav-model-chains').click();
    await testId('page-title').filter({ hasText: '模型回退链' }).waitFor();
    await testId('model-chain-free-chat').getByText('保存顺序').waitFor();
    await shot('model-chains.zh-CN');
    expect(pageErrors).toEqual([]);
  });
});
