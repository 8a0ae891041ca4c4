// Headless Chromium for the console's browser suites: Debian's chromium driven by playwright-core
// (`npx playwright install` cannot work here), one English page at a desktop size.
import {
  type Browser,
  type BrowserContext,
  chromium,
  type Locator,
  type Page,
  type Route,
} from 'playwright-core';

export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
/** How long the console may take to show what a step waits for. */
export const UI_TIMEOUT = 20_000;

/** Debian's Chromium, headless, without the background traffic and first-run work it would start. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-sync',
    ],
  });
}

/**
 * A desktop-sized context in `locale` whose waits last UI_TIMEOUT, and its page; the page's uncaught
 * errors are pushed to `pageErrors`.
 */
export async function openPage(
  browser: Browser,
  pageErrors: string[],
  locale = 'en-US',
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ locale, viewport: { width: 1440, height: 900 } });
  context.setDefaultTimeout(UI_TIMEOUT);
  const page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
  return { context, page };
}

/** The browser and one English page in it (openPage). */
export async function openConsolePage(
  pageErrors: string[],
): Promise<{ browser: Browser; context: BrowserContext; page: Page }> {
  const browser = await launchChromium();
  return { browser, ...(await openPage(browser, pageErrors)) };
}

/**
 * Waits until nothing spins and no finite animation runs (an opening modal, a drawer, a toast): a
 * click measured mid-animation can land where its target was a frame ago, and a screenshot catches
 * the frame.
 */
export async function animationsSettled(page: Page): Promise<void> {
  await page.waitForFunction(
    "!document.querySelector('.ant-spin-spinning') && document.getAnimations().every(" +
      "(a) => a.playState !== 'running' || a.effect.getComputedTiming().iterations === Infinity)",
  );
}

/**
 * Picks the option `label` in the antd Select `select`, and sees it picked. The select is opened once
 * nothing moves (its dropdown may still be closing from the last pick), the option clicked once the
 * dropdown has slid in, and the pick read back from the select: CI at 0524cc7 picked a channel type
 * right after another and the old one stayed.
 */
export async function pickOption(page: Page, select: Locator, label: string): Promise<void> {
  await animationsSettled(page);
  await select.click();
  const option = page.locator('.ant-select-item-option').filter({ hasText: label });
  await option.waitFor();
  await animationsSettled(page);
  await option.click();
  await select.filter({ hasText: label }).waitFor();
}

/**
 * The server takes the first `method` request to `url`, and its answer is lost on the way back (a
 * dropped connection), as on a flaky network; later ones go through. `keys` collects each request's
 * Idempotency-Key header ('' when none); `undo()` takes the route away.
 */
export async function loseFirstAnswer(
  page: Page,
  url: string | ((url: URL) => boolean),
  method = 'POST',
): Promise<{ keys: string[]; undo: () => Promise<void> }> {
  const keys: string[] = [];
  let lose = true;
  const handler = async (route: Route) => {
    if (route.request().method() !== method) return route.continue();
    keys.push(route.request().headers()['idempotency-key'] ?? '');
    const response = await route.fetch();
    if (!lose) return route.fulfill({ response });
    lose = false;
    return route.abort('connectionreset');
  };
  await page.route(url, handler);
  return { keys, undo: () => page.unroute(url, handler) };
}
