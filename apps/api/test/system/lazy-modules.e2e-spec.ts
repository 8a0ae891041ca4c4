// What the api and worker processes load at start, and what only at first use (issue #16): the
// payment SDK, the mailer, the PDF engine, the MySQL driver, the tokenizer and the phone number
// metadata stay out of an idle
// process, and the built api (dist/, as operators run it) still takes a Stripe payment, verifies its
// webhook and serves the OpenAPI document (built at its first request) when first asked.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Role } from '@gateway/identity';
import { waitFor } from '@gateway/testing';
import { ApiHarness, startApi } from '../api-harness';
import { spawnWorker, type WorkerProcess } from '../drills/drill-processes';
import { seedTenant, sessionAs } from '../fixtures';
import { FakeStripe, startFakeStripe } from '../payments/fake-stripe';
import { freePort, startApiProcess, whenReady, type ApiProcess } from './api-process';

const HOOK = join(__dirname, 'loaded-modules.cjs');
const WEBHOOK_SECRET = 'whsec_bGF6eWxvYWRlZHN0cmlwZQ';
/** Packages a process loads at their first use only. */
const LAZY = [
  'stripe',
  'nodemailer',
  'pdfkit',
  'mysql2',
  'gpt-tokenizer',
  'sql.js',
  'bcryptjs',
  // class-validator's phone number metadata (apps/api/src/deferred-modules.ts)
  'libphonenumber-js',
];

/**
 * What only the api's HTTP surface needs (controllers, DTOs, views): the worker serves no HTTP and
 * loads none of them (docs/design.md, "Layers"; issue #16, idle memory).
 */
const HTTP_ONLY = [
  '@nestjs/swagger',
  'class-validator',
  'class-transformer',
  '@nestjs/platform-express',
  'express',
  'multer',
];

/**
 * undici's entry point and what only it loads (fetch and the other web APIs): the relay and the
 * probes load its pool and request API alone (issue #16, idle memory).
 */
const UNDICI_ENTRY = ['/node_modules/undici/index.js', '/node_modules/undici/lib/web/'];
const undiciEntryIn = (paths: string[]) =>
  paths.filter((path) => UNDICI_ENTRY.some((part) => path.includes(part)));

/**
 * TypeORM's drivers other than PostgreSQL's (libs/db/src/typeorm-drivers.ts): each of them loads its
 * query runner when it loads itself.
 */
const otherDatabaseDriversIn = (paths: string[]) =>
  paths
    .map((path) => /\/node_modules\/typeorm\/driver\/([^/]+)\/[^/]+QueryRunner\.js$/.exec(path)?.[1])
    .filter((dir) => dir !== undefined && dir !== 'postgres');

const packagesIn = (paths: string[], names = LAZY) =>
  names.filter((name) => paths.some((path) => path.includes(`/node_modules/${name}/`)));

/** The modules `pid` has loaded, as its preloaded hook writes them on SIGUSR2. */
async function loadedModules(pid: number, file: string): Promise<string[]> {
  rmSync(file, { force: true });
  process.kill(pid, 'SIGUSR2');
  await waitFor(
    `process ${pid} to list its modules`,
    async () => (existsSync(file) ? true : undefined),
    10_000,
    20,
  );
  return JSON.parse(readFileSync(file, 'utf8')) as string[];
}

describe('modules loaded at first use, not at start', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gw-lazy-modules-'));
  const apiList = join(dir, 'api.json');
  const workerList = join(dir, 'worker.json');
  let api: ApiHarness;
  let stripe: FakeStripe;
  let proc: ApiProcess | undefined;
  let worker: WorkerProcess | undefined;
  let url: string;

  beforeAll(async () => {
    stripe = await startFakeStripe();
    api = await startApi('lazy_modules', { STRIPE_API_URL: stripe.url });
    proc = startApiProcess(
      api,
      await freePort(),
      { STRIPE_API_URL: stripe.url, LOADED_MODULES_FILE: apiList },
      ['--require', HOOK],
    );
    await whenReady(proc);
    url = `http://127.0.0.1:${proc.port}`;
    worker = await spawnWorker(api, { LOADED_MODULES_FILE: workerList }, ['--require', HOOK]);
  });

  afterAll(async () => {
    if (proc && proc.child.exitCode === null) proc.child.kill('SIGKILL');
    await worker?.stop();
    await api?.close();
    await stripe?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('an idle api and worker have loaded none of them, nor undici’s entry point, nor TypeORM’s drivers of other databases, and the worker none of the HTTP side', async () => {
    const apiModules = await loadedModules(proc!.child.pid!, apiList);
    expect(packagesIn(apiModules)).toEqual([]);
    const workerModules = await loadedModules(worker!.pid(), workerList);
    expect(packagesIn(workerModules)).toEqual([]);
    expect(packagesIn(workerModules, HTTP_ONLY)).toEqual([]);
    for (const modules of [apiModules, workerModules]) {
      expect(modules.some((path) => path.includes('/node_modules/undici/lib/dispatcher/agent.js'))).toBe(
        true,
      );
      expect(undiciEntryIn(modules)).toEqual([]);
      expect(modules.some((path) => path.endsWith('/typeorm/driver/postgres/PostgresQueryRunner.js'))).toBe(
        true,
      );
      expect(otherDatabaseDriversIn(modules)).toEqual([]);
    }
  });

  it('the built api serves the OpenAPI document, built at the first request for it', async () => {
    const init = await fetch(`${url}/api/docs/swagger-ui-init.js`);
    expect(init.status).toBe(200);
    expect(await init.text()).toContain('/api/auth/login');
    const doc = await fetch(`${url}/api/openapi.json`);
    expect(doc.status).toBe(200);
    expect(Object.keys(((await doc.json()) as { paths: object }).paths)).toContain(
      '/api/payment-providers/stripe',
    );
  });

  it('the built api loads Stripe at the first top-up, and verifies and settles its webhook', async () => {
    const call = (token: string, method: string, path: string, body?: object) =>
      fetch(`${url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const root = await sessionAs(api, Role.SuperAdmin, null);
    const configured = await call(root.token, 'PATCH', '/api/payment-providers/stripe', {
      secretKey: stripe.secretKey,
      webhookSecret: WEBHOOK_SECRET,
      enabled: true,
    });
    expect(configured.status).toBe(200);
    const tenant = await seedTenant(api);
    const owner = await sessionAs(api, Role.Owner, tenant.id);

    const res = await call(owner.token, 'POST', `/api/tenants/${tenant.id}/topup-orders`, {
      amountUsd: '5',
      provider: 'stripe',
    });
    expect(res.status).toBe(201);
    const order = (await res.json()) as { id: string; status: string; providerRef: string; payUrl: string };
    expect(order.status).toBe('pending');
    expect(order.payUrl).toBe(stripe.sessions.get(order.providerRef)?.url);
    expect(packagesIn(await loadedModules(proc!.child.pid!, apiList))).toEqual(['stripe']);

    const webhook = `${url}/api/payments/stripe/webhook`;
    const event = stripe.event(order.providerRef);
    expect(await stripe.deliver(webhook, event, 'whsec_someoneElsesSecret0000')).toMatchObject({
      status: 400,
    });
    expect(await stripe.deliver(webhook, event, WEBHOOK_SECRET)).toEqual({
      status: 200,
      body: { received: true, outcome: 'credited' },
    });
    const balance = await call(owner.token, 'GET', `/api/tenants/${tenant.id}/balance`);
    expect(((await balance.json()) as { balanceUsd: string }).balanceUsd).toBe('5');
  });
});
