// The api process: `node dist/apps/api/src/main.js` (npm start runs it for you).
// First, before anything else loads: holds the young generation small and V8 to its interpreter
// while the app loads.
import { startedUp } from '@gateway/config/start-up-heap';
// Then, before TypeORM loads: its drivers for other databases load only if ever used.
import '@gateway/db/typeorm-drivers';
// And before class-validator loads: the phone number metadata it requires, likewise.
import './deferred-modules';
import 'reflect-metadata';
import type { Server } from 'node:http';
import { join } from 'node:path';
import type { AppConfig } from '@gateway/config';
import { keyringFromEnv } from '@gateway/common';
import { limitHeapGrowth, listenFailure, loadConfig, startupFailureLine } from '@gateway/config';
import { waitForPostgres } from '@gateway/db';
import { waitForRedis } from '@gateway/redis';
import { UsageRecorder } from '@gateway/usage';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { createApiApp } from './api-app';
import { Drain } from './system/drain';
import { openFilesWarning } from './system/open-files';

/** After the grace, cut streams still get this long to settle (their client is gone) before the pools close. */
const SETTLE_AFTER_CUT_MS = 5_000;

async function main(): Promise<void> {
  const config = loadConfig();
  // The key rotation variables are read where the keyring is built, inside the app: check them here,
  // so a bad one stops the process with its one line rather than a stack from the injector.
  keyringFromEnv(config.ENCRYPTION_KEY);
  limitHeapGrowth(config.HEAP_GROWTH_PERCENT);
  // One clear line if PostgreSQL or Redis is not there (after a grace period for containers
  // starting together), rather than a stack from deep inside the framework.
  await Promise.all([
    waitForPostgres(config.DATABASE_URL, config.STARTUP_WAIT_SECONDS * 1000),
    waitForRedis(config, config.STARTUP_WAIT_SECONDS * 1000),
  ]);
  const app = await createApiApp(config);
  // Before listening, so /ready answers only once both halves run.
  const worker = config.SINGLE_PROCESS ? await startWorkerHere(config) : undefined;
  // Built: the start-up garbage goes before the first request can wait on it.
  await startedUp();
  // The port taken or privileged, a HOST not this machine's: one line naming the variable.
  await app.listen(config.PORT, config.HOST).catch((error: unknown) => {
    throw listenFailure(error, config.HOST, config.PORT);
  });
  const logger = app.get(Logger);
  logger.log(`api listening on http://${config.HOST}:${config.PORT}`);
  const openFiles = openFilesWarning();
  if (openFiles) logger.warn(openFiles);
  // One drain, however many signals: Ctrl-C under `npm start` brings SIGINT from the terminal and
  // SIGTERM from the launcher, and a repeated SIGTERM must neither start a second drain nor fall to
  // the signal's default action, which would cut the streams the first one is letting finish.
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return logger.log(`${signal}: already draining`);
    stopping = true;
    void drainAndClose(app, config.SHUTDOWN_GRACE_MS, signal, worker);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

interface InProcessWorker {
  stop(signal: NodeJS.Signals): Promise<void>;
}

/**
 * SINGLE_PROCESS: the worker's runtime runs in this process too (a host where two Node processes do
 * not fit). It is loaded by path, as the launcher starts it, because apps do not import each other;
 * the layout under dist/ (and under the sources, for tests) is the same.
 */
async function startWorkerHere(config: AppConfig): Promise<InProcessWorker> {
  const runtime = require(join(__dirname, '..', '..', 'worker', 'src', 'worker-runtime')) as {
    startWorker(config: AppConfig): Promise<InProcessWorker>;
  };
  return runtime.startWorker(config);
}

/**
 * A rolling restart loses nothing: stop being ready and stop accepting, let what was accepted
 * finish (streams included, each settling its hold and queueing its usage event in Redis), and
 * only then close the database and Redis. What outlives the grace is cut, and still settled.
 */
async function drainAndClose(
  app: NestExpressApplication,
  graceMs: number,
  signal: NodeJS.Signals,
  worker: InProcessWorker | undefined,
) {
  const logger = app.get(Logger);
  const drain = app.get(Drain);
  const server = app.getHttpServer() as Server;
  const startedAt = Date.now();
  drain.start();
  logger.log(`${signal}: draining ${drain.inFlight} in-flight request(s), up to ${graceMs} ms`);
  // Closes the listener and the idle kept-alive connections; busy ones close after their response.
  server.close();
  if (!(await drain.whenIdle(graceMs))) {
    logger.warn(`grace of ${graceMs} ms over: cutting ${drain.inFlight} request(s)`);
    server.closeAllConnections();
    await drain.whenIdle(SETTLE_AFTER_CUT_MS);
  }
  // Every usage event stays with this process until the worker has stored it (docs/design.md,
  // "The usage outbox"): wait for that with what is left of the grace, or briefly after a cut.
  const confirmMs = Math.max(graceMs - (Date.now() - startedAt), Math.min(graceMs, SETTLE_AFTER_CUT_MS));
  const usage = app.get(UsageRecorder);
  if (!(await usage.drain(confirmMs))) {
    logger.warn(`usage events not confirmed stored within ${confirmMs} ms`);
  }
  try {
    // In one process the worker goes after the api's requests settled: their usage events are queued.
    await worker?.stop(signal);
    // Closing stores (or, failing that, logs) what still waits for Redis: counted after it.
    await app.close();
  } catch (error) {
    console.error(
      `api failed to stop cleanly${replayNote(usage)}: ${error instanceof Error ? error.stack : String(error)}`,
    );
    process.exit(1);
  }
  // Events only the log holds are metered requests nobody is billed for until an operator replays
  // them: a clean exit would let a supervisor take the stop for a good one.
  if (usage.leftForReplay() > 0) {
    logger.error(`api stopped${replayNote(usage)}`);
    process.exit(EXIT_USAGE_LEFT_FOR_REPLAY);
  }
  logger.log('api stopped');
  process.exit(0);
}

/** The exit status of an api that stopped with usage events left to its log for replay. */
const EXIT_USAGE_LEFT_FOR_REPLAY = 1;

/** What a stopping api's last line adds when it left usage events to its log. */
function replayNote(usage: UsageRecorder): string {
  const left = usage.leftForReplay();
  if (left === 0) return '';
  return (
    `, with ${left} usage event${left === 1 ? '' : 's'} left in its log for replay ` +
    '(not stored: replay each usageEvent line above into the usage stream)'
  );
}

main().catch((error: unknown) => {
  console.error(startupFailureLine('api', error));
  process.exit(1);
});
