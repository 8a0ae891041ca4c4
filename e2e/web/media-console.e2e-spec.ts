// The console's side of the media routes in real headless Chromium against the real api serving the
// built SPA: an operator prices an image model per image and by size in the price editor, tries an
// image and a speech request in the playground, and finds both in the usage log with the unit and
// quantity they were billed in. Screenshots go to test-artifacts/web/.
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MockUpstream, startMockUpstream } from '@gateway/mock-upstream';
import { TEST_ADMIN } from '@gateway/testing';
import type { UsageIngestor } from '@gateway/usage';
import type { Browser, Page, Request } from 'playwright-core';
import { ApiHarness, startApi } from '../../apps/api/test/api-harness';
import { animationsSettled, openConsolePage } from './console-browser';
import {
  createChannel,
  fund,
  issueToken,
  startIngestor,
  usageRecordsStored,
} from '../../apps/api/test/relay/relay-fixture';
import { seedTenant } from '../../apps/api/test/fixtures';

const ROOT = resolve(__dirname, '../..');
const ARTIFACTS = join(ROOT, 'test-artifacts/web');

describe('media routes in the console (browser)', () => {
  let api: ApiHarness;
  let mock: MockUpstream;
  let browser: Browser;
  let page: Page;
  let ingestor: UsageIngestor;
  let tenantId = '';
  const keys = { image: '', speech: '' };
  const pageErrors: string[] = [];

  const testId = (id: string) => page.getByTestId(id);
  const shot = async (name: string) => {
    await page.waitForTimeout(300);
    await animationsSettled(page);
    await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  };
  const nav = async (area: string) => {
    await testId(`nav-${area}`).click();
    await testId('page-title').waitFor();
  };

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist/apps/web/index.html'))) {
      throw new Error('dist/apps/web is missing: run npm run build:web first (npm test does)');
    }
    mkdirSync(ARTIFACTS, { recursive: true });
    mock = await startMockUpstream();
    api = await startApi('web_media');
    ingestor = startIngestor(api);
    const admin = await api.adminToken();
    await createChannel(api, admin, {
      name: 'media',
      baseUrl: mock.baseUrl,
      models: ['dall-e-3', 'tts-1', 'whisper-1'],
      keys: ['sk-mock-media-web'],
    });
    const tenant = await seedTenant(api);
    tenantId = tenant.id;
    await fund(api, tenant.id, '5');
    keys.image = (
      await issueToken(api, admin, { tenantId: tenant.id, name: 'images', models: ['dall-e-3'] })
    ).key;
    keys.speech = (
      await issueToken(api, admin, { tenantId: tenant.id, name: 'speech', models: ['tts-1'] })
    ).key;
    ({ browser, page } = await openConsolePage(pageErrors));
    await page.goto(`${api.url}/login`);
    await testId('login-email').fill(TEST_ADMIN.email);
    await testId('login-password').fill(TEST_ADMIN.password);
    await testId('login-submit').click();
    await testId('page-title').waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await ingestor?.stop();
    await mock?.close();
    await api?.close();
  });

  afterEach(() => expect(pageErrors).toEqual([]));

  it('prices an image model per image and by size, and a speech model per 1M characters', async () => {
    await nav('models');
    await testId('price-dall-e-3').click();
    await testId('price-input').fill('0');
    await testId('price-output').fill('0');
    await testId('price-per-image').fill('0.04');
    await testId('price-image-sizes').fill('1024x1792 = 0.08\n1024x1024/hd = 0.12');
    await shot('model-price-images.en');
    await testId('price-save').click();
    // The saved row shows up in the history with its media prices.
    await page.getByText('1024x1792 $0.08').waitFor();
    await shot('model-price-images-saved.en');
    await page.keyboard.press('Escape');

    await testId('price-tts-1').click();
    await testId('price-input').fill('0');
    await testId('price-output').fill('0');
    await testId('price-characters').fill('15');
    await testId('price-save').click();
    await page.getByText('$15.00/1M chars').waitFor();
    await page.keyboard.press('Escape');
  });

  it('lists each model at the price of its own unit, in both languages', async () => {
    // Audio is priced per second and read per minute.
    const priced = await fetch(`${api.url}/api/models/whisper-1/price`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${await api.adminToken()}`, 'content-type': 'application/json' },
      body: JSON.stringify({ inputPer1M: '0', outputPer1M: '0', perAudioSecond: '0.0001' }),
    });
    expect(priced.status).toBe(200);
    await page.reload();
    await testId('model-price-dall-e-3').getByText('from $0.04 / image').waitFor();
    await testId('model-price-tts-1').getByText('$15.00 / 1M characters').waitFor();
    await testId('model-price-whisper-1').getByText('$0.006 / min of audio').waitFor();
    // A model priced for media alone does not read as free tokens.
    await expect(testId('model-price-dall-e-3').textContent()).resolves.not.toContain('1M tokens');
    await shot('models-media-prices.en');
    await testId('language-zh-CN').click();
    await testId('model-price-dall-e-3').getByText('$0.04 起 / 张图片').waitFor();
    await testId('model-price-whisper-1').getByText('$0.006 / 分钟音频').waitFor();
    await shot('models-media-prices.zh-CN');
    await testId('language-en').click();
    await page.waitForFunction("document.documentElement.lang === 'en'");
  });

  it('refuses a malformed size list before sending it', async () => {
    await testId('price-dall-e-3').click();
    await testId('price-image-sizes').fill('huge = cheap');
    await testId('price-save').click();
    await page.getByText('Write one size per line').waitFor();
    await page.keyboard.press('Escape');
  });

  it('asks for the models of a key typed by hand once, not once per keystroke', async () => {
    await nav('playground');
    const asked: string[] = [];
    const onRequest = (request: Request) => {
      if (new URL(request.url()).pathname === '/v1/models')
        asked.push(request.headers()['authorization'] ?? '');
    };
    page.on('request', onRequest);
    try {
      const field = testId('playground-key');
      await field.fill('');
      await field.pressSequentially(keys.image, { delay: 20 });
      await testId('playground-model').getByText('dall-e-3').waitFor();
      await page.waitForTimeout(1000); // a late request would show up here
      expect(asked).toEqual([`Bearer ${keys.image}`]);
      await shot('playground-key-typed.en');

      // Half a key says what a key looks like, and asks nothing.
      await field.fill(keys.image.slice(0, 20));
      await page.getByText('A token key is sk- followed by 48 letters or digits.').waitFor();
      await shot('playground-key-incomplete.en');
      // The same key again: the list it had is still fresh.
      await field.fill('');
      await field.pressSequentially(keys.image, { delay: 20 });
      await testId('playground-model').getByText('dall-e-3').waitFor();
      await page.waitForTimeout(1000);
      expect(asked).toHaveLength(1);
    } finally {
      page.off('request', onRequest);
    }
  });

  it('generates an image and speaks a text in the playground', async () => {
    await testId('playground-mode').getByText('Image').click();
    await testId('playground-key').fill(keys.image);
    await testId('playground-model').getByText('dall-e-3').waitFor();
    await testId('media-input').fill('a lighthouse at dusk');
    await testId('media-run').click();
    await testId('media-image').waitFor();
    // The image the gateway relayed is shown (it decoded), not a broken link.
    await page.waitForFunction(
      '(document.querySelector(\'[data-testid="media-image"]\')?.naturalWidth ?? 0) > 0',
    );
    await testId('playground-stats').getByText('media/dall-e-3').waitFor();
    await shot('playground-image.en');

    await testId('playground-mode').getByText('Speech').click();
    await testId('playground-key').fill(keys.speech);
    await testId('playground-model').getByText('tts-1').waitFor();
    await testId('media-input').fill('Hello from the gateway');
    await testId('media-run').click();
    await testId('media-audio').waitFor();
    const audioBytes = await page.evaluate<number>(
      "(async () => { const src = document.querySelector('[data-testid=\"media-audio\"]')?.getAttribute('src');" +
        ' return src ? (await (await fetch(src)).arrayBuffer()).byteLength : 0; })()',
    );
    // The mock speaks 160 bytes per character.
    expect(audioBytes).toBe('Hello from the gateway'.length * 160);
    await testId('playground-stats').getByText('media/tts-1').waitFor();
    await shot('playground-speech.en');
  });

  it('shows the unit and quantity each request was billed in, in both languages', async () => {
    await usageRecordsStored(api, tenantId, 2);
    await nav('usage');
    await testId('usage-billed').getByText('1 image', { exact: true }).waitFor();
    await testId('usage-billed').getByText('22 characters').waitFor();
    await shot('usage-billed.en');
    await testId('language-zh-CN').click();
    await page.waitForFunction("document.documentElement.lang === 'zh-CN'");
    await page.getByText('22 个字符').waitFor();
    await shot('usage-billed.zh-CN');
  });
});
