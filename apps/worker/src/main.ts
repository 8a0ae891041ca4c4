// The worker process: `node dist/apps/worker/src/main.js` (npm start runs it for you).
// First, before anything else loads: holds the young generation small and V8 to its interpreter
// while the app loads.
import { startedUp } from '@gateway/config/start-up-heap';
// Then, before TypeORM loads: its drivers for other databases load only if ever used.
import '@gateway/db/typeorm-drivers';
// And before any HTTP request: its WebAssembly (undici's HTTP parser) stays on V8's baseline compiler.
import './wasm-baseline';
import 'reflect-metadata';
import { keyringFromEnv } from '@gateway/common';
import { limitHeapGrowth, loadConfig, startupFailureLine } from '@gateway/config';
import { waitForPostgres } from '@gateway/db';
import { waitForRedis } from '@gateway/redis';
import { lowerPriority } from './niceness';
import { startWorker } from './worker-runtime';

async function main(): Promise<void> {
  const config = loadConfig();
  // The key rotation variables are read where the keyring is built, inside the app: check them here,
  // so a bad one stops the process with its one line rather than a stack from the injector.
  keyringFromEnv(config.ENCRYPTION_KEY);
  limitHeapGrowth(config.HEAP_GROWTH_PERCENT);
  const nice = lowerPriority(config.WORKER_NICENESS);
  if (nice.failed) console.warn(`worker: WORKER_NICENESS not applied to every thread: ${nice.failed}`);
  // One clear line if PostgreSQL or Redis is not there (after a grace period for containers
  // starting together), rather than a stack from deep inside the framework.
  await Promise.all([
    waitForPostgres(config.DATABASE_URL, config.STARTUP_WAIT_SECONDS * 1000),
    waitForRedis(config, config.STARTUP_WAIT_SECONDS * 1000),
  ]);
  const worker = await startWorker(config);
  const stop = (signal: NodeJS.Signals) =>
    void worker.stop(signal).then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(
          `worker failed to stop cleanly: ${error instanceof Error ? error.stack : String(error)}`,
        );
        process.exit(1);
      },
    );
  // `on`, not `once`: a repeated signal (Ctrl-C under `npm start` adds the launcher's SIGTERM) joins
  // the stop under way instead of falling to its default action, which would cut the jobs it finishes.
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // After the handlers: its jobs already run, so a stop during this collection must drain them too.
  await startedUp();
}

main().catch((error: unknown) => {
  console.error(startupFailureLine('worker', error));
  process.exit(1);
});
