import { NestFactory, ModulesContainer } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { WorkerHost } from '@nestjs/bullmq';
import type { AppConfig } from '@gateway/config';
import type { Worker } from 'bullmq';
import { Logger } from 'nestjs-pino';
import { WorkerModule } from './worker.module';

export async function createWorkerApp(config: AppConfig): Promise<INestApplicationContext> {
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
