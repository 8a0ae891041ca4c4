// The worker's invoice side (issuing, rendering PDFs, emailing) in its own Nest context on a test
// api's database and Redis prefix, as the worker process runs it: for the specs that issue invoices.
import type { INestApplicationContext } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigModule } from '@gateway/config';
import { DbModule } from '@gateway/db';
import { InvoicesWorkerModule } from '@gateway/invoices';
import { RedisModule } from '@gateway/redis';
import { ENTITIES } from '@gateway/schema';
import type { ApiHarness } from '../api-harness';

/** `name`: the PostgreSQL application name its connections show. */
export async function startInvoiceWorker(api: ApiHarness, name: string): Promise<INestApplicationContext> {
  @Module({
    imports: [
      ConfigModule.forRoot(api.config),
      DbModule.forRoot({ entities: ENTITIES, applicationName: name }),
      RedisModule,
      InvoicesWorkerModule,
    ],
  })
  class InvoiceWorkerModule {}
  const worker = await NestFactory.createApplicationContext(InvoiceWorkerModule, { logger: false });
  await worker.init();
  return worker;
}
