// The system under test, as separate processes from dist/: the mock upstream and the gateway (api and
// worker, as `npm start` runs them), all on 127.0.0.1, the gateway on a scratch database and Redis prefix.
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ChildProcess, freePort } from './child-processes.mjs';

export const MOCK_SCRIPT = 'dist/apps/mock-upstream/src/main.js';
export const API_SCRIPT = 'dist/apps/api/src/main.js';
export const WORKER_SCRIPT = 'dist/apps/worker/src/main.js';
const BUILD_INFO = 'dist/.server.tsbuildinfo';
const FLOOR_SCRIPT = fileURLToPath(new URL('./floor-relay.mjs', import.meta.url));

/** Null when the build output is there, else the line to print. */
export function missingBuild() {
  const missing = [MOCK_SCRIPT, API_SCRIPT, WORKER_SCRIPT].filter((path) => !existsSync(path));
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
  const mock = ChildProcess.node('mock-upstream', MOCK_SCRIPT, ['--port', '0'], {
    ...process.env,
    MOCK_UPSTREAM_HOST: '127.0.0.1',
  });
  const match = await mock.waitForLine(/listening on (http:\/\/127\.0\.0\.1:\d+)/, 15_000);
  return { process: mock, url: match[1] };
}

/**
 * The floor: a minimal Node relay to the mock (floor-relay.mjs), the lower bound any Node gateway
 * starts from on this machine. Called with the mock's own keys, like direct.
 * @param {string} mockUrl
 * @param {string | null} profileDir where to write its V8 CPU profile (on exit), or null
 * @returns {Promise<{ process: ChildProcess, url: string }>}
 */
export async function startFloor(mockUrl, profileDir) {
  const port = await freePort();
  const nodeOptions = profileDir === null ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDir}/floor`];
  const args = [`--port=${port}`, `--upstream=${mockUrl}`];
  const env = { ...process.env, NODE_ENV: 'production' };
  const floor = ChildProcess.node('floor', FLOOR_SCRIPT, args, env, nodeOptions);
  await floor.waitForLine(/floor relay listening/, 15_000);
  return { process: floor, url: `http://127.0.0.1:${port}` };
}

/**
 * The environment the bench starts the gateway's api and worker with: production, 127.0.0.1:`port`,
 * the scratch stores, a random encryption key and admin password, warn-level logs, no web UI.
 * @param {{ databaseUrl: string, redisUrl: string, redisPrefix: string }} stores
 * @param {string} dataDir an empty scratch directory for DATA_DIR
 * @param {number} port
 */
export function gatewayEnv(stores, dataDir, port) {
  const admin = { email: 'bench-admin@example.com', password: randomBytes(12).toString('hex') };
  const heartbeatFile = join(dataDir, 'worker-heartbeat');
  const env = {
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
    // The worker serves no HTTP; it writes this file once it is up (and every 10 s while healthy).
    WORKER_HEARTBEAT_FILE: heartbeatFile,
  };
  return { env, admin, heartbeatFile };
}

/**
 * The api first (it migrates the scratch database), then the worker, which consumes the usage events
 * the api emits and writes the usage records: both are part of what a relayed request costs.
 * @param {{ databaseUrl: string, redisUrl: string, redisPrefix: string }} stores
 * @param {string} dataDir an empty scratch directory for DATA_DIR
 * @param {string | null} profileDir where to write V8 CPU profiles of api and worker (on exit), or null
 * @returns {Promise<{ api: ChildProcess, worker: ChildProcess, url: string, admin: { email: string, password: string } }>}
 */
export async function startGateway(stores, dataDir, profileDir) {
  const port = await freePort();
  const { env, admin, heartbeatFile } = gatewayEnv(stores, dataDir, port);
  const nodeOptions = profileDir === null ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`];
  // BENCH_API_NODE_FLAGS: node flags for the api alone (NODE_OPTIONS reaches every process).
  const apiFlags = (process.env.BENCH_API_NODE_FLAGS ?? '').split(' ').filter((f) => f !== '');
  const api = ChildProcess.node('gateway api', API_SCRIPT, [], env, [...apiFlags, ...nodeOptions]);
  const url = `http://127.0.0.1:${port}`;
  await waitUntilReady(api, `${url}/ready`, 60_000);
  const worker = ChildProcess.node('gateway worker', WORKER_SCRIPT, [], env, nodeOptions);
  await waitFor(worker, () => existsSync(heartbeatFile), 60_000);
  return { api, worker, url, admin };
}

/** Polls `done` until it is true; fails when `child` exits first or the time is up. */
export async function waitFor(child, done, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exit !== null) throw new Error(`${child.name} exited at start${child.describeTail()}`);
    if (await done()) return;
    if (Date.now() > deadline) {
      throw new Error(`${child.name} not ready after ${timeoutMs} ms${child.describeTail()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

/** @param {ChildProcess} child @param {string} readyUrl @param {number} timeoutMs */
export function waitUntilReady(child, readyUrl, timeoutMs) {
  return waitFor(
    child,
    async () => {
      try {
        const res = await fetch(readyUrl, { signal: AbortSignal.timeout(2000) });
        await res.arrayBuffer();
        return res.ok;
      } catch {
        return false; // not listening yet
      }
    },
    timeoutMs,
  );
}
