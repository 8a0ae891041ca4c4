import { NestFactory, ModulesContainer } from '@nestjs/core';
import { type INestApplicationContext, Logger as NestLogger } from '@nestjs/common';
import { WorkerHost } from '@nestjs/bullmq';
import type { AppConfig } from '@gateway/config';
// Not re-exported by the package's index: its documented hook for the Worker class processors get.
import { BullExplorer } from '@nestjs/bullmq/dist/bull.explorer';
import { Queue, Worker, type Processor, type WorkerOptions } from 'bullmq';
import { Logger } from 'nestjs-pino';
import { WorkerModule } from './worker.module';

export async function createWorkerApp(config: AppConfig): Promise<INestApplicationContext> {
  const logError = bullErrorLog(new NestLogger('BullMQ'));
  BullExplorer.workerClass = takeoverWorker(config.WORKER_TAKEOVER_MS, logError);
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  for (const queue of providersOf(app, Queue)) queue.on('error', (error) => logError(queue.name, error));
  // No enableShutdownHooks(): main.ts lets the BullMQ workers finish their jobs before it closes
  // the database and Redis under them.
  await app.init();
  return app;
}

/** The BullMQ workers behind every @Processor of the process. */
export function bullWorkers(app: INestApplicationContext): Worker[] {
  return providersOf(app, WorkerHost).map((host) => host.worker);
}

function providersOf<T>(app: INestApplicationContext, type: abstract new (...args: never[]) => T): T[] {
  const found: T[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const provider of module.providers.values()) {
      if (provider.instance instanceof type) found.push(provider.instance);
    }
  }
  return found;
}

/**
 * WORKER_TAKEOVER_MS: a job held by a worker that died (kill -9, a lost host) is found stalled and
 * run again by another within about twice this (BullMQ's lock and stalled check; its defaults are
 * 30 s). A processor that asks for a lock of its own (slow jobs) keeps it.
 */
function takeoverWorker(takeoverMs: number, logError: (queue: string, error: Error) => void) {
  return class TakeoverWorker extends Worker {
    constructor(name: string, processor: string | URL | null | Processor, opts: WorkerOptions) {
      super(name, processor, { lockDuration: takeoverMs, stalledInterval: takeoverMs, ...opts });
      this.on('error', (error) => logError(name, error));
    }
  };
}

/** The same error from any queue or worker is logged again only after this long. */
const REPEAT_ERROR_AFTER_MS = 60_000;

/**
 * A BullMQ queue or worker without an `error` listener prints each error with console.error, and
 * during a Redis outage each fails every few hundred milliseconds: instead, a warning in the JSON
 * log, each distinct one at most once a minute across the process's queues and workers.
 */
function bullErrorLog(logger: NestLogger): (queue: string, error: Error) => void {
  const lastLogged = new Map<string, number>();
  return (queue, error) => {
    const now = Date.now();
    if (now - (lastLogged.get(error.message) ?? -Infinity) < REPEAT_ERROR_AFTER_MS) return;
    if (lastLogged.size >= 100) lastLogged.clear();
    lastLogged.set(error.message, now);
    logger.warn(`queue ${queue}: ${error.message}`);
  };
}
