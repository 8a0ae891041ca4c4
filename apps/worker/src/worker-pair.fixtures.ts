// Two whole worker processes (WorkerModule, twice) on a suite's own database and Redis prefix, with
// the schema migrated and a DataSource of the test's own to arrange and inspect rows.
import type { INestApplicationContext } from '@nestjs/common';
import { dataSourceOptions, runPendingMigrations } from '@gateway/db';
import { ENTITIES } from '@gateway/schema';
import { createTestDatabase, createTestRedis, testConfig, TestDatabase, TestRedis } from '@gateway/testing';
import { DataSource } from 'typeorm';
import { createWorkerApp } from './worker-app';

export interface WorkerPair {
  db: TestDatabase;
  redis: TestRedis;
  dataSource: DataSource;
  workers: [INestApplicationContext, INestApplicationContext];
  close(): Promise<void>;
}

export async function startWorkerPair(
  suite: string,
  options: { poolSize?: number } = {},
): Promise<WorkerPair> {
  const db = await createTestDatabase(suite);
  const redis = createTestRedis(suite);
  let dataSource: DataSource | undefined;
  let workers: INestApplicationContext[] = [];
  // Stops whatever did start, so that a failed setup leaves no connection behind.
  const close = async () => {
    await Promise.all(workers.map((worker) => worker.close()));
    await dataSource?.destroy();
    await redis.cleanup();
    await db.drop();
  };
  try {
    dataSource = await new DataSource(
      dataSourceOptions({ url: db.url, entities: ENTITIES, poolSize: options.poolSize ?? 2 }),
    ).initialize();
    await runPendingMigrations(dataSource);
    // No seeded admin: these suites arrange their own rows.
    const config = testConfig(db, redis, { ADMIN_EMAIL: '', ADMIN_PASSWORD: '' });
    workers = await Promise.all([createWorkerApp(config), createWorkerApp(config)]);
    return { db, redis, dataSource, workers: workers as WorkerPair['workers'], close };
  } catch (error) {
    await close();
    throw error;
  }
}
