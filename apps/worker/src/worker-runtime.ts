// The worker's life: started by its own process (main.ts) or, with SINGLE_PROCESS, inside the api's.
import { accessSync, constants, existsSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { type AppConfig, ConfigError } from '@gateway/config';
import { REDIS } from '@gateway/redis';
import type { INestApplicationContext } from '@nestjs/common';
import { Logger } from 'nestjs-pino';
import type Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { bullWorkers, createWorkerApp } from './worker-app';

const HEARTBEAT_EVERY_MS = 10_000;

export interface RunningWorker {
  /** Stops taking jobs, finishes the ones it holds, then closes PostgreSQL and Redis. */
  stop(signal: NodeJS.Signals): Promise<void>;
}

export async function startWorker(config: AppConfig): Promise<RunningWorker> {
  if (config.WORKER_HEARTBEAT_FILE) checkHeartbeatWritable(config.WORKER_HEARTBEAT_FILE);
  const app = await createWorkerApp(config);
  app.get(Logger).log('worker started');
  const heartbeat = config.WORKER_HEARTBEAT_FILE
    ? startHeartbeat(app, config.WORKER_HEARTBEAT_FILE)
    : undefined;
  let stopped: Promise<void> | undefined;
  return {
    stop: (signal) => {
      clearInterval(heartbeat);
      if (stopped) app.get(Logger).log(`${signal}: already stopping`);
      stopped ??= finishAndClose(app, signal);
      return stopped;
    },
  };
}

/**
 * A heartbeat that can never be written would leave the worker unhealthy for good with nothing in
 * its log to say why: its directory must exist and be writable (and the file, if it exists).
 */
function checkHeartbeatWritable(file: string): void {
  try {
    accessSync(dirname(resolve(file)), constants.W_OK);
    if (existsSync(file)) accessSync(file, constants.W_OK);
  } catch (error) {
    throw new ConfigError('WORKER_HEARTBEAT_FILE', `cannot be written: ${(error as Error).message}`);
  }
}

/**
 * The worker serves no HTTP, so its healthcheck reads this file's age (deploy/docker/healthcheck.mjs):
 * it is written only while PostgreSQL and Redis both answer.
 */
function startHeartbeat(app: INestApplicationContext, file: string): NodeJS.Timeout {
  const beat = async () => {
    try {
      await Promise.all([app.get(DataSource).query('SELECT 1'), app.get<Redis>(REDIS).ping()]);
      writeFileSync(file, String(Date.now()));
    } catch {
      // A stale file is the signal: the healthcheck fails once it is 30 s old.
    }
  };
  void beat();
  return setInterval(() => void beat(), HEARTBEAT_EVERY_MS);
}

/**
 * Jobs first, connections after: every BullMQ worker stops taking jobs and finishes the ones it
 * holds while PostgreSQL and Redis are still open. A job cut by a harder kill keeps its lock only
 * until the lock expires; BullMQ then hands it, as stalled, to another worker.
 */
async function finishAndClose(app: INestApplicationContext, signal: NodeJS.Signals): Promise<void> {
  const logger = app.get(Logger);
  logger.log(`${signal}: finishing current jobs`);
  await Promise.all(bullWorkers(app).map((worker) => worker.close()));
  await app.close();
  logger.log('worker stopped');
}
