// The real processes a fault drill runs against: the api from dist/ (so its memory is its own and
// can be measured), and a redis-server of the drill's own on a free port (so it can be paused,
// killed and restarted without touching the machine's shared Redis).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { waitFor } from '@gateway/testing';
import Redis from 'ioredis';
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
