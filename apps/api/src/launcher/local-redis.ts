// Redis for `npm start` when REDIS_URL is unset: use one answering on 127.0.0.1:6379, else start the
// redis-server binary found on PATH with its data in DATA_DIR/redis.
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Redis from 'ioredis';
import { LauncherError } from './embedded-postgres';

export interface LocalRedis {
  url: string;
  /** Stops the server if this launcher started it; otherwise does nothing. */
  stop(): Promise<void>;
}

export async function redisAnswers(url: string, timeoutMs = 1_500): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: timeoutMs,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

function onPath(binary: string): boolean {
  return (
    spawnSync('/bin/sh', ['-c', `command -v ${binary}`], { stdio: 'ignore', env: process.env }).status === 0
  );
}

export async function ensureLocalRedis(options: {
  url: string;
  dataDir: string;
  log: (line: string) => void;
}): Promise<LocalRedis> {
  const { url, dataDir, log } = options;
  if (await redisAnswers(url)) return { url, stop: async () => undefined };
  if (!onPath('redis-server')) {
    throw new LauncherError(
      `nothing answers at ${url} and no redis-server is on PATH: install Redis (e.g. apt-get install redis-server) or set REDIS_URL`,
    );
  }
  const port = new URL(url).port || '6379';
  const dir = join(dataDir, 'redis');
  mkdirSync(dir, { recursive: true });
  const child: ChildProcess = spawn(
    'redis-server',
    [
      '--port',
      port,
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--save',
      '60 1',
      '--appendonly',
      'no',
      '--daemonize',
      'no',
      '--logfile',
      '',
    ],
    { stdio: 'ignore', env: process.env },
  );
  const deadline = Date.now() + 10_000;
  while (!(await redisAnswers(url, 500))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new LauncherError(`redis-server did not start on 127.0.0.1:${port}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  log(`started redis-server on 127.0.0.1:${port} (data in ${dir})`);
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
