// Boots the real api process in-process against a suite's own database and Redis prefix.
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AppConfig } from '@gateway/config';
import {
  createTestDatabase,
  createTestRedis,
  TEST_ADMIN,
  testConfig,
  TestDatabase,
  TestRedis,
  waitFor,
} from '@gateway/testing';
import { TokenInvalidationBus } from '@gateway/tokens';
import request from 'supertest';
import { createApiApp } from '../src/api-app';

export interface ApiHarness {
  app: NestExpressApplication;
  config: AppConfig;
  db: TestDatabase;
  redis: TestRedis;
  http: ReturnType<typeof request>;
  /** http://127.0.0.1:PORT of the listening server. */
  url: string;
  /** Logs in as the first super admin and returns the access token. */
  adminToken(): Promise<string>;
  close(): Promise<void>;
}

export async function startApi(suite: string, env: NodeJS.ProcessEnv = {}): Promise<ApiHarness> {
  const db = await createTestDatabase(suite);
  const redis = createTestRedis(suite);
  const config = testConfig(db, redis, env);
  const app = await createApiApp(config);
  await app.listen(0, '127.0.0.1');
  const url = await app.getUrl();
  const http = request(url);
  return {
    app,
    config,
    db,
    redis,
    http,
    url,
    adminToken: async () => {
      const res = await request(url).post('/api/auth/login').send(TEST_ADMIN).expect(200);
      return (res.body as { accessToken: string }).accessToken;
    },
    close: async () => {
      await app.close();
      await redis.cleanup();
      await db.drop();
    },
  };
}

/** Another api process on the harness's database and Redis prefix, as a second replica runs. */
export interface Replica {
  app: NestExpressApplication;
  /** http://127.0.0.1:PORT of this process. */
  url: string;
  close(): Promise<void>;
}

export async function startReplica(api: ApiHarness): Promise<Replica> {
  const app = await createApiApp(api.config);
  await app.listen(0, '127.0.0.1');
  return { app, url: await app.getUrl(), close: () => app.close() };
}

/** Waits until each process hears token invalidations: until then it caches no token at all. */
export async function tokenInvalidationsHeard(...apps: NestExpressApplication[]): Promise<void> {
  await waitFor('every process to subscribe to token invalidations', async () =>
    apps.every((app) => app.get(TokenInvalidationBus).listening) ? true : undefined,
  );
}
