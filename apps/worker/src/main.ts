// The worker process: `node dist/apps/worker/src/main.js` (npm start runs it for you).
import 'reflect-metadata';
import { loadConfig, startupFailureLine } from '@gateway/config';
import { waitForPostgres } from '@gateway/db';
import { waitForRedis } from '@gateway/redis';
import { Logger } from 'nestjs-pino';
import { createWorkerApp } from './worker-app';

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
}

main().catch((error: unknown) => {
  console.error(startupFailureLine('worker', error));
  process.exit(1);
});
