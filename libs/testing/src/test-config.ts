import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppConfig, loadConfig } from '@gateway/config';
import type { TestDatabase } from './test-database';
import type { TestRedis } from './test-redis';

export const TEST_ADMIN = { email: 'root@example.test', password: 'test-admin-password-1' } as const;

/** A validated config pointing at this suite's own database and Redis prefix. */
export function testConfig(db: TestDatabase, redis: TestRedis, overrides: NodeJS.ProcessEnv = {}): AppConfig {
  return loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: db.url,
    REDIS_URL: redis.url,
    REDIS_PREFIX: redis.prefix,
    ENCRYPTION_KEY: 'ab'.repeat(32),
    ADMIN_EMAIL: TEST_ADMIN.email,
    ADMIN_PASSWORD: TEST_ADMIN.password,
    LOG_LEVEL: 'silent',
    DATA_DIR: mkdtempSync(join(tmpdir(), 'gw-test-')),
    ...overrides,
  });
}
