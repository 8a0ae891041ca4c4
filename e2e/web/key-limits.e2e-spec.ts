// A key's per-model limits in the console, in real headless Chromium against the real api serving the
// built SPA (npm run build:web first): an operator adds model rows with their caps to a key of the
// pool, is stopped by the form's validation, saves, finds them stored through /api, edits them again
// and removes one; the new-channel form shows a free-tier preset's caps with the date they were taken
// and their source. Screenshots (en and zh-CN) go to test-artifacts/web/.
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { TEST_ADMIN } from '@gateway/testing';
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { type ApiHarness, startApi } from '../../apps/api/test/api-harness';
import { animationsSettled, openConsolePage } from './console-browser';

const ROOT = resolve(__dirname, '../..');
const ARTIFACTS = join(ROOT, 'test-artifacts/web');

type Caps = Partial<Record<'rpm' | 'tpm' | 'rpd' | 'tpd', number>>;

describe('per-model key limits in the console (browser)', () => {
  let api: ApiHarness;
  let browser: Browser;
  let page: Page;
  let admin: string;
  let channelId: string;
  let keyId: string;
  /** The Groq preset's date, from /api. */
  let takenOn = '';
  const pageErrors: string[] = [];

  const testId = (id: string) => page.getByTestId(id);
  const shot = async (name: string) => {
    await page.waitForTimeout(300);
    await animationsSettled(page);
    await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  };
  const storedKey = async () => {
    const res = await request(api.url)
      .get(`/api/channels/${channelId}/keys`)
      .set('authorization', `Bearer ${admin}`)
      .expect(200);
    return (
      res.body as { items: { id: string; rpm: number | null; modelLimits: Record<string, Caps> }[] }
    ).items.find((k) => k.id === keyId);
  };

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist/apps/web/index.html'))) {
      throw new Error('dist/apps/web is missing: run npm run build:web first (npm test does)');
    }
    mkdirSync(ARTIFACTS, { recursive: true });
    api = await startApi('web_key_limits');
    admin = await api.adminToken();
    const channel = await request(api.url)
      .post('/api/channels')
      .set('authorization', `Bearer ${admin}`)
      .send({
        name: 'free-pool',
        type: 'openai',
        baseUrl: 'https://api.groq.com/openai/v1',
        models: ['gpt-4o'],
      })
      .expect(201);
    channelId = channel.body.id as string;
    const key = await request(api.url)
      .post(`/api/channels/${channelId}/keys`)
      .set('authorization', `Bearer ${admin}`)
      .send({ key: 'gsk_browser-limits-key-0001', rpm: 60 })
      .expect(201);
    keyId = key.body.id as string;
    ({ browser, page } = await openConsolePage(pageErrors));
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it('logs in and opens the key pool', async () => {
    await page.goto(`${api.url}/channels/${channelId}`);
    await page.waitForURL(/\/login/);
    await testId('login-email').fill(TEST_ADMIN.email);
    await testId('login-password').fill(TEST_ADMIN.password);
    await testId('login-submit').click();
    await page.waitForURL(new RegExp(`/channels/${channelId}$`));
    await testId('channel-keys-table').getByTestId('key-edit-limits').waitFor();
  });

  it('adds per-model caps to a key, validated, and saves them through the API', async () => {
    await testId('key-edit-limits').click();
    const dialog = page.getByRole('dialog');
    await testId('limit-rpm').waitFor();
    expect(await testId('limit-rpm').inputValue()).toBe('60');

    // One row at a time, as a person does, once the modal has stopped growing: each new row moves the
    // button down, and a click measured before a re-render lands where the button was (a CI run lost
    // the second click that way).
    await animationsSettled(page);
    await testId('model-limit-add').click();
    await testId('limit-models-0-model').waitFor();
    await testId('model-limit-add').click();
    await testId('limit-models-1-model').waitFor();
    await testId('limit-models-0-model').fill('two words');
    await testId('limit-0-rpm').fill('30');
    await testId('limit-models-1-model').fill('llama-3.3-70b-versatile');
    await testId('key-limits-save').click();
    await dialog.getByText('A model name has 1 to 200 characters and no spaces').waitFor();

    await testId('limit-models-0-model').fill('llama-3.3-70b-versatile');
    await testId('key-limits-save').click();
    await dialog.getByText('This model already has a row').first().waitFor();
    expect((await storedKey())?.modelLimits).toEqual({});

    await testId('limit-models-1-model').fill('gemma2-9b-it:free');
    await testId('limit-0-tpm').fill('12000');
    await testId('limit-0-rpd').fill('1000');
    await testId('limit-0-tpd').fill('100000');
    await testId('limit-1-rpd').fill('14400');
    await testId('limit-rpm').fill('');
    await shot('key-limits-editor.en');
    await testId('key-limits-save').click();
    await page.getByText('Limits saved').waitFor();
    await dialog.waitFor({ state: 'hidden' });

    const saved = await storedKey();
    expect(saved?.rpm).toBeNull();
    expect(saved?.modelLimits).toEqual({
      'llama-3.3-70b-versatile': { rpm: 30, tpm: 12000, rpd: 1000, tpd: 100000 },
      'gemma2-9b-it:free': { rpd: 14400 },
    });
    const listed = testId('channel-keys-table').getByTestId('key-model-limit');
    await listed
      .filter({ hasText: 'llama-3.3-70b-versatile: RPM 30 · TPM 12,000 · RPD 1,000 · TPD 100,000' })
      .waitFor();
    await listed.filter({ hasText: 'gemma2-9b-it:free: RPD 14,400' }).waitFor();
    await shot('key-limits-pool.en');
  });

  it('opens with the stored caps (by model name), and removing a row removes that model’s caps', async () => {
    await testId('key-edit-limits').click();
    await testId('limit-models-1-model').waitFor();
    await animationsSettled(page);
    // By model name.
    expect(await testId('limit-models-0-model').inputValue()).toBe('gemma2-9b-it:free');
    expect(await testId('limit-0-rpd').inputValue()).toBe('14400');
    expect(await testId('limit-models-1-model').inputValue()).toBe('llama-3.3-70b-versatile');
    expect(await testId('limit-1-tpm').inputValue()).toBe('12000');
    expect(await testId('limit-rpm').inputValue()).toBe('');
    await testId('model-limit-remove-1').click();
    await testId('key-limits-save').click();
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    expect((await storedKey())?.modelLimits).toEqual({ 'gemma2-9b-it:free': { rpd: 14400 } });
  });

  it('shows a free-tier preset’s caps with the date they were taken and their source', async () => {
    await testId('nav-channels').click();
    await testId('new-channel').click();
    await testId('channel-preset').click();
    await page.locator('.ant-select-item-option').filter({ hasText: 'Groq' }).click();
    const caps = testId('preset-free-tier-caps');
    await caps.waitFor();
    const groq = (
      await request(api.url).get('/api/channels/presets').set('authorization', `Bearer ${admin}`).expect(200)
    ).body as {
      id: string;
      freeTier?: { takenOn: string; source: string; modelLimits: Record<string, Caps> };
    }[];
    const tier = groq.find((p) => p.id === 'groq')?.freeTier;
    expect(tier).toBeDefined();
    takenOn = tier!.takenOn;
    const rows = caps.getByTestId('preset-free-tier-row');
    expect(await rows.count()).toBe(Object.keys(tier!.modelLimits).length);
    const first = await rows.first().innerText();
    expect(first).toContain('llama-3.3-70b-versatile: RPM 30');
    expect(first).toContain(`taken on ${tier!.takenOn}`);
    const source = testId('preset-free-tier-source');
    expect(await source.locator('a').getAttribute('href')).toBe(tier!.source);
    expect(await source.innerText()).toContain(`taken on ${tier!.takenOn}`);
    await shot('channel-new-free-tier-caps.en');
  });

  it('speaks Chinese', async () => {
    await testId('language-zh-CN').click();
    await page.waitForFunction("document.documentElement.lang === 'zh-CN'");
    await testId('preset-free-tier-caps').getByText(`取自 ${takenOn}`).first().waitFor();
    await shot('channel-new-free-tier-caps.zh-CN');
    await page.goto(`${api.url}/channels/${channelId}`);
    await testId('key-edit-limits').filter({ hasText: '编辑限额' }).click();
    await page.getByRole('dialog').getByText('按模型限额').waitFor();
    await shot('key-limits-editor.zh-CN');
    expect(pageErrors).toEqual([]);
  });
});
