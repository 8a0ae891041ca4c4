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
import { randomUUID } from 'node:crypto';
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

/**
 * Waits until each process has heard every token invalidation published before the call (a token's
 * creation publishes one too, and it may reach a process after that process cached the new token):
 * a marker published now reaches each subscriber after them, as Redis keeps a channel's order.
 */
export async function tokenInvalidationsDelivered(...apps: NestExpressApplication[]): Promise<void> {
  const marker = `marker-${randomUUID()}`;
  const heard = new Set<NestExpressApplication>();
  const stops = apps.map((app) =>
    app.get(TokenInvalidationBus).subscribe((message) => {
      if (message === 'all' || message.id === marker) heard.add(app);
    }),
  );
  try {
    await apps[0]!.get(TokenInvalidationBus).publish({ id: marker, keyHash: marker });
    await waitFor(
      'every process to hear the marker',
      async () => (heard.size === apps.length ? true : undefined),
      5_000,
      5,
    );
  } finally {
    for (const stop of stops) stop();
  }
}
