// The system under test, as separate processes from dist/: the mock upstream and the gateway api,
// both on 127.0.0.1, the api on a scratch database and Redis prefix.
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ChildProcess, freePort } from './child-processes.mjs';

export const MOCK_SCRIPT = 'dist/apps/mock-upstream/src/main.js';
export const API_SCRIPT = 'dist/apps/api/src/main.js';
const BUILD_INFO = 'dist/.server.tsbuildinfo';

/** Null when the build output is there, else the line to print. */
export function missingBuild() {
  const missing = [MOCK_SCRIPT, API_SCRIPT].filter((path) => !existsSync(path));
  return missing.length === 0
    ? null
    : `bench: ${missing.join(' and ')} missing; run \`npm run build:server\` first`;
}

/**
 * A source file changed since the last server build, or null: the run measures dist/, so a stale build
 * would silently benchmark old code.
 */
export function newerSource() {
  const built = statSync(BUILD_INFO, { throwIfNoEntry: false })?.mtimeMs;
  if (built === undefined) return null;
  const roots = [
    'apps/api/src',
    'apps/mock-upstream/src',
    ...readdirSync('libs').map((lib) => `libs/${lib}/src`),
  ];
  for (const root of roots) {
    for (const file of readdirSync(root, { recursive: true, encoding: 'utf8' })) {
      if (!file.endsWith('.ts') || /\.(spec|integration-spec|e2e-spec)\.ts$/.test(file)) continue;
      if (statSync(join(root, file)).mtimeMs > built) return join(root, file);
    }
  }
  return null;
}

/** @returns {Promise<{ process: ChildProcess, url: string }>} */
export async function startMock() {
  const mock = new ChildProcess('mock-upstream', MOCK_SCRIPT, ['--port', '0'], {
    ...process.env,
    MOCK_UPSTREAM_HOST: '127.0.0.1',
  });
  const match = await mock.waitForLine(/listening on (http:\/\/127\.0\.0\.1:\d+)/, 15_000);
  return { process: mock, url: match[1] };
}

/**
 * @param {{ databaseUrl: string, redisUrl: string, redisPrefix: string }} stores
 * @param {string} dataDir an empty scratch directory for DATA_DIR
 * @param {string | null} profileDir where to write a V8 CPU profile of the gateway (on exit), or null
 * @returns {Promise<{ process: ChildProcess, url: string, admin: { email: string, password: string } }>}
 */
export async function startGateway(stores, dataDir, profileDir) {
  const port = await freePort();
  const admin = { email: 'bench-admin@example.com', password: randomBytes(12).toString('hex') };
  const api = new ChildProcess(
    'gateway api',
    API_SCRIPT,
    [],
    {
      ...process.env,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: stores.databaseUrl,
      REDIS_URL: stores.redisUrl,
      REDIS_PREFIX: stores.redisPrefix,
      ENCRYPTION_KEY: randomBytes(32).toString('hex'),
      ADMIN_EMAIL: admin.email,
      ADMIN_PASSWORD: admin.password,
      LOG_LEVEL: 'warn',
      STARTUP_WAIT_SECONDS: '10',
      DATA_DIR: dataDir,
      // No SPA: the api serves it only when this directory exists.
      WEB_DIST_DIR: join(dataDir, 'no-web-ui'),
    },
    profileDir === null ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`],
  );
  const url = `http://127.0.0.1:${port}`;
  await waitUntilReady(api, `${url}/ready`, 60_000);
  return { process: api, url, admin };
}

async function waitUntilReady(child, readyUrl, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exit !== null) throw new Error(`${child.name} exited at start${child.describeTail()}`);
    try {
      const res = await fetch(readyUrl, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
      await res.arrayBuffer();
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      throw new Error(`${child.name} not ready after ${timeoutMs} ms${child.describeTail()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}
