// The worker process: `node dist/apps/worker/src/main.js` (npm start runs it for you).
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { loadConfig, startupFailureLine } from '@gateway/config';
import { waitForPostgres } from '@gateway/db';
import { REDIS, waitForRedis } from '@gateway/redis';
import type { INestApplicationContext } from '@nestjs/common';
import { Logger } from 'nestjs-pino';
import type Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { bullWorkers, createWorkerApp } from './worker-app';

const HEARTBEAT_EVERY_MS = 10_000;

async function main(): Promise<void> {
  const config = loadConfig();
  // One clear line if PostgreSQL or Redis is not there (after a grace period for containers
  // starting together), rather than a stack from deep inside the framework.
  await Promise.all([
    waitForPostgres(config.DATABASE_URL, config.STARTUP_WAIT_SECONDS * 1000),
    waitForRedis(config.REDIS_URL, config.STARTUP_WAIT_SECONDS * 1000),
  ]);
  const app = await createWorkerApp(config);
  app.get(Logger).log('worker started');
  const heartbeat = config.WORKER_HEARTBEAT_FILE
    ? startHeartbeat(app, config.WORKER_HEARTBEAT_FILE)
    : undefined;
  const stop = (signal: NodeJS.Signals) => {
    clearInterval(heartbeat);
    void finishAndClose(app, signal);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
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
  try {
    await Promise.all(bullWorkers(app).map((worker) => worker.close()));
    await app.close();
    logger.log('worker stopped');
    process.exit(0);
  } catch (error) {
    console.error(`worker failed to stop cleanly: ${error instanceof Error ? error.stack : String(error)}`);
    process.exit(1);
  }
}

main().catch((error: unknown) => {
  console.error(startupFailureLine('worker', error));
  process.exit(1);
});
