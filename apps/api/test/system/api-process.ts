// An api process started from dist/ as an operator starts it, for the drills that need a real
// process (signals, memory): spawn, wait for /ready, read its output, its exit and its peak RSS.
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { waitFor } from '@gateway/testing';
import type { ApiHarness } from '../api-harness';

const MAIN = resolve(__dirname, '../../../../dist/apps/api/src/main.js');

export interface ApiProcess {
  child: ChildProcess;
  port: number;
  output: () => string;
  exited: Promise<number | null>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

/** Starts `node dist/apps/api/src/main.js` on `port` against the harness's database and Redis. */
export function startApiProcess(
  api: ApiHarness,
  port: number,
  env: Record<string, string> = {},
  nodeArgs: string[] = [],
): ApiProcess {
  let output = '';
  const child = spawn(process.execPath, [...nodeArgs, MAIN], {
    env: {
      PATH: process.env['PATH'],
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: api.config.DATABASE_URL,
      REDIS_URL: api.config.REDIS_URL,
      REDIS_PREFIX: api.config.REDIS_PREFIX,
      ENCRYPTION_KEY: api.config.ENCRYPTION_KEY,
      DATA_DIR: mkdtempSync(join(tmpdir(), 'gw-process-')),
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
  return { child, port, output: () => output, exited };
}

export async function whenReady(proc: ApiProcess): Promise<void> {
  await waitFor(
    `the api on :${proc.port} to be ready`,
    async () => {
      if (proc.child.exitCode !== null) throw new Error(`api exited early:\n${proc.output()}`);
      const res = await fetch(`http://127.0.0.1:${proc.port}/ready`).catch(() => undefined);
      return res?.status === 200 ? true : undefined;
    },
    30_000,
    100,
  );
}

/** The process's resident set now and at its peak (VmRSS, VmHWM from /proc), in MB. */
export function residentMb(pid: number): { now: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { now: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}
