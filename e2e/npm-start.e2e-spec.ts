// `npm start` as a new user runs it (after `npm run build`, which `npm test` does first): no
// DATABASE_URL, so embedded PostgreSQL in a fresh DATA_DIR; api + worker + SPA on one port; the
// first admin logs in; the SPA renders in real Chromium; secrets stay out of the logs; a restart
// keeps the data and, with no source changed, rebuilds nothing; Ctrl-C stops everything the
// launcher started.
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createTestRedis, TestRedis, waitFor } from '@gateway/testing';
import { chromium } from 'playwright-core';

const ROOT = resolve(__dirname, '..');
const LAUNCHER = join(ROOT, 'dist/apps/api/src/launcher/launcher.js');
/** What `npm start` runs: scripts/build.mjs (build what changed), then the launcher in-process. */
const NPM_START = join(ROOT, 'scripts/start.mjs');
/** Outputs of both builds: an untouched mtime means that build did not run. */
const BUILT = ['dist/apps/api/src/main.js', 'dist/apps/worker/src/main.js', 'dist/apps/web/index.html'].map(
  (f) => join(ROOT, f),
);
const ARTIFACTS = join(ROOT, 'test-artifacts');
const ADMIN = { email: 'owner@example.test', password: 'a-long-first-password' };
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

interface Launched {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

let launches = 0;

/** Runs the launcher (or `entry`); its whole output is also kept as a test artifact. */
function launch(env: NodeJS.ProcessEnv, entry = LAUNCHER): Launched {
  let output = '';
  const logFile = join(ARTIFACTS, `npm-start-${++launches}.log`);
  const child = spawn(process.execPath, [entry], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'], ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolveExit) =>
    child.once('exit', (code) => {
      writeFileSync(logFile, output);
      resolveExit(code);
    }),
  );
  return { child, output: () => output, exited };
}

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolvePort) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolveOpen) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolveOpen(true);
    });
    socket.once('error', () => resolveOpen(false));
  });
}

async function stop(launched: Launched): Promise<number | null> {
  if (launched.child.exitCode !== null) return launched.child.exitCode;
  launched.child.kill('SIGINT');
  return launched.exited;
}

function embeddedPostgresPort(output: string): number {
  const match = /embedded PostgreSQL listening on 127\.0\.0\.1:(\d+)/.exec(output);
  if (!match) throw new Error(`launcher did not report an embedded PostgreSQL:\n${output}`);
  return Number(match[1]);
}

describe('npm start on a fresh machine', () => {
  let redis: TestRedis;
  let dataDir: string;
  let port: number;
  let env: NodeJS.ProcessEnv;
  const running: Launched[] = [];

  beforeAll(async () => {
    if (!existsSync(LAUNCHER))
      throw new Error(`${LAUNCHER} is missing: run npm run build first (npm test does)`);
    redis = createTestRedis('npm_start');
    const parent = mkdtempSync(join(tmpdir(), 'gw-start-'));
    chmodSync(parent, 0o755); // as a checkout would be: the postgres user must pass through it
    dataDir = join(parent, 'data');
    port = await freePort();
    env = {
      PORT: String(port),
      DATA_DIR: dataDir,
      REDIS_URL: redis.url,
      REDIS_PREFIX: redis.prefix,
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      LOG_LEVEL: 'info',
    };
    mkdirSync(ARTIFACTS, { recursive: true });
  });

  afterAll(async () => {
    await Promise.all(running.map(stop));
    await redis.cleanup();
  });

  it('refuses a bad configuration with one line naming the variable', async () => {
    const bad = launch({ ...env, PORT: 'eighty' });
    expect(await bad.exited).toBe(1);
    expect(bad.output().trim()).toBe('invalid configuration: PORT must be a port number (got "eighty")');
  });

  it('starts api, worker and SPA on one port with an embedded PostgreSQL, and stops them all on Ctrl-C', async () => {
    const first = launch(env);
    running.push(first);
    const base = `http://127.0.0.1:${port}`;
    await waitFor(
      'GET /ready to answer 200',
      async () => {
        if (first.child.exitCode !== null) throw new Error(`launcher exited early:\n${first.output()}`);
        const res = await fetch(`${base}/ready`).catch(() => undefined);
        return res?.status === 200 ? true : undefined;
      },
      90_000,
      250,
    );
    const pgPort = embeddedPostgresPort(first.output());
    expect(existsSync(join(dataDir, 'pg', 'PG_VERSION'))).toBe(true);
    expect(existsSync(join(dataDir, 'encryption.key'))).toBe(true);

    // The first super admin logs in.
    const login = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'e2e-login-1' },
      body: JSON.stringify(ADMIN),
    });
    expect(login.status).toBe(200);
    expect(login.headers.get('x-request-id')).toBe('e2e-login-1');
    const { accessToken } = (await login.json()) as { accessToken: string };
    const me = await fetch(`${base}/api/auth/me`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(await me.json()).toMatchObject({ email: ADMIN.email, role: 'super_admin' });

    // The worker is up (its log line), and the SPA is served with deep links falling back to it.
    await waitFor(
      'the worker to start',
      async () => (first.output().includes('worker started') ? true : undefined),
      30_000,
    );
    const deepLink = await fetch(`${base}/some/dashboard/page`);
    expect(deepLink.status).toBe(200);
    expect(await deepLink.text()).toContain('<div id="root">');

    // The SPA renders in real Chromium and reads /ready through the same port.
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    try {
      const page = await browser.newPage({ locale: 'en-US' });
      await page.goto(base);
      await page.getByTestId('status-ready').filter({ hasText: 'up' }).waitFor({ timeout: 15_000 });
      expect(await page.getByTestId('status-postgres').textContent()).toContain('up');
      expect(await page.getByTestId('status-redis').textContent()).toContain('up');
      // The running version, as /health states it.
      const { version } = (await (await fetch(`${base}/health`)).json()) as { version: string };
      expect(version).toMatch(/^\d+\.\d+\.\d+/);
      expect(await page.getByTestId('status-version').textContent()).toBe(`Version ${version}`);
      await page.screenshot({ path: join(ARTIFACTS, 'status-page.en.png'), fullPage: true });
      await page.getByTestId('language-zh-CN').click();
      await page.waitForFunction("document.documentElement.lang === 'zh-CN'");
      expect(await page.getByTestId('status-version').textContent()).toContain('版本');
      await page.screenshot({ path: join(ARTIFACTS, 'status-page.zh-CN.png'), fullPage: true });
    } finally {
      await browser.close();
    }

    // Secrets never reach a log line; request ids do.
    const logs = first.output();
    expect(logs).toContain('e2e-login-1');
    expect(logs).not.toContain(ADMIN.password);
    expect(logs).not.toContain(accessToken);

    // Ctrl-C: everything stops, including the embedded PostgreSQL.
    expect(await stop(first)).toBe(0);
    expect(await portOpen(port)).toBe(false);
    expect(await portOpen(pgPort)).toBe(false);
  });

  it('starts again through npm start on the same data: nothing rebuilt, no new initdb, the admin still logs in', async () => {
    // Bring dist/ up to date (a no-op after `npm test`'s build), then note when each output was written.
    const build = spawnSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(build.status).toBe(0);
    const mtimes = BUILT.map((file) => statSync(file).mtimeMs);
    const second = launch(env, NPM_START);
    running.push(second);
    const base = `http://127.0.0.1:${port}`;
    await waitFor(
      'GET /ready to answer 200 after a restart',
      async () => {
        if (second.child.exitCode !== null) throw new Error(`launcher exited early:\n${second.output()}`);
        const res = await fetch(`${base}/ready`).catch(() => undefined);
        return res?.status === 200 ? true : undefined;
      },
      90_000,
      250,
    );
    expect(second.output()).not.toContain('initialising embedded PostgreSQL');
    expect(second.output()).toContain('build: server is up to date');
    expect(second.output()).toContain('build: console is up to date');
    expect(second.output()).not.toContain('build: building');
    expect(BUILT.map((file) => statSync(file).mtimeMs)).toEqual(mtimes);
    const login = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ADMIN),
    });
    expect(login.status).toBe(200);
    expect(await stop(second)).toBe(0);
  });
});
