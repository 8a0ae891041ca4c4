import { NestFactory, ModulesContainer } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { WorkerHost } from '@nestjs/bullmq';
import type { AppConfig } from '@gateway/config';
// Not re-exported by the package's index: its documented hook for the Worker class processors get.
import { BullExplorer } from '@nestjs/bullmq/dist/bull.explorer';
import { Worker, type Processor, type WorkerOptions } from 'bullmq';
import { Logger } from 'nestjs-pino';
import { WorkerModule } from './worker.module';

export async function createWorkerApp(config: AppConfig): Promise<INestApplicationContext> {
  BullExplorer.workerClass = takeoverWorker(config.WORKER_TAKEOVER_MS);
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  // No enableShutdownHooks(): main.ts lets the BullMQ workers finish their jobs before it closes
  // the database and Redis under them.
  await app.init();
  return app;
}

/** The BullMQ workers behind every @Processor of the process. */
export function bullWorkers(app: INestApplicationContext): Worker[] {
  const workers: Worker[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const provider of module.providers.values()) {
      if (provider.instance instanceof WorkerHost) workers.push(provider.instance.worker);
    }
  }
  return workers;
}

/**
 * WORKER_TAKEOVER_MS: a job held by a worker that died (kill -9, a lost host) is found stalled and
 * run again by another within about twice this (BullMQ's lock and stalled check; its defaults are
 * 30 s). A processor that asks for a lock of its own (slow jobs) keeps it.
 */
function takeoverWorker(takeoverMs: number) {
  return class TakeoverWorker extends Worker {
    constructor(name: string, processor: string | URL | null | Processor, opts: WorkerOptions) {
      super(name, processor, { lockDuration: takeoverMs, stalledInterval: takeoverMs, ...opts });
    }
  };
}
