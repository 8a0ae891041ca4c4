// A bad variable stops the api and the worker from dist/ as README "Configuration" promises: exit 1
// and one line naming it, before either touches PostgreSQL or Redis (none answers here), never a
// stack and never a silent default.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startApi, type ApiHarness } from '../api-harness';
import { freePort } from './api-process';

const MAINS = {
  api: resolve(__dirname, '../../../../dist/apps/api/src/main.js'),
  worker: resolve(__dirname, '../../../../dist/apps/worker/src/main.js'),
};
const KEY = 'ab'.repeat(32);

function start(main: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((done) => {
    let output = '';
    const child = spawn(process.execPath, [main], {
      env: {
        PATH: process.env['PATH'],
        NODE_ENV: 'test',
        HOST: '127.0.0.1',
        PORT: '1',
        // Nothing listens there: a process that got past its configuration would wait, then fail.
        DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none',
        REDIS_URL: 'redis://127.0.0.1:1',
        STARTUP_WAIT_SECONDS: '1',
        ENCRYPTION_KEY: KEY,
        DATA_DIR: mkdtempSync(join(tmpdir(), 'gw-start-up-')),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      done({ code, output });
    });
  });
}

describe.each(Object.entries(MAINS))('the %s with a bad variable', (_name, main) => {
  it.each([
    ['ENCRYPTION_KEY_VERSION', '0'],
    ['ENCRYPTION_KEY_VERSION', 'two'],
    ['ENCRYPTION_KEYS_PREVIOUS', 'not-a-key'],
    ['ENCRYPTION_KEYS_PREVIOUS', `1:${'cd'.repeat(32)}`],
    ['SHUTDOWN_GRACE_MS', '  '],
    ['STARTUP_WAIT_SECONDS', ' '],
  ])('%s=%j: exit 1 with one line naming it', async (variable, value) => {
    const { code, output } = await start(main, { [variable]: value });
    expect({ code, lines: output.trim().split('\n') }).toEqual({
      code: 1,
      lines: [expect.stringMatching(new RegExp(`^invalid configuration: ${variable} `))],
    });
    expect(output).not.toContain('cd'.repeat(32));
  });
});

describe('the worker whose heartbeat cannot be written', () => {
  let api: ApiHarness;

  beforeAll(async () => {
    api = await startApi('start_up_heartbeat');
  });

  afterAll(async () => {
    await api?.close();
  });

  it('WORKER_HEARTBEAT_FILE in a missing directory: exit 1 with one line naming it', async () => {
    const { code, output } = await start(MAINS.worker, {
      DATABASE_URL: api.config.DATABASE_URL,
      REDIS_URL: api.config.REDIS_URL,
      REDIS_PREFIX: api.config.REDIS_PREFIX,
      WORKER_HEARTBEAT_FILE: join(tmpdir(), 'gw-no-such-dir', 'heartbeat'),
    });
    expect({ code, last: output.trim().split('\n').at(-1) }).toEqual({
      code: 1,
      last: expect.stringMatching(/^invalid configuration: WORKER_HEARTBEAT_FILE cannot be written: ENOENT/),
    });
  });
});

describe('the api that cannot take its address', () => {
  let api: ApiHarness;
  let taken: Server;
  let port: number;

  beforeAll(async () => {
    api = await startApi('start_up_listen');
    port = await freePort();
    taken = createServer();
    await new Promise<void>((done) => taken.listen(port, '127.0.0.1', done));
  });

  afterAll(async () => {
    await new Promise((done) => taken?.close(done));
    await api?.close();
  });

  const services = () => ({
    DATABASE_URL: api.config.DATABASE_URL,
    REDIS_URL: api.config.REDIS_URL,
    REDIS_PREFIX: api.config.REDIS_PREFIX,
  });

  it('PORT in use: exit 1 with one line naming PORT', async () => {
    const { code, output } = await start(MAINS.api, { ...services(), PORT: String(port) });
    expect({ code, last: output.trim().split('\n').at(-1) }).toEqual({
      code: 1,
      last: `api: cannot listen on 127.0.0.1:${port}: PORT is in use by another process (EADDRINUSE)`,
    });
    expect(output).not.toMatch(/\n\s+at /);
  });

  it('HOST not this machine’s: exit 1 with one line naming HOST', async () => {
    const { code, output } = await start(MAINS.api, { ...services(), PORT: String(port), HOST: '192.0.2.1' });
    expect({ code, last: output.trim().split('\n').at(-1) }).toEqual({
      code: 1,
      last: `api: cannot listen on 192.0.2.1:${port}: HOST is not an address of this machine (EADDRNOTAVAIL)`,
    });
    expect(output).not.toMatch(/\n\s+at /);
  });
});
