export { createTestDatabase, TEST_SERVER_URL, uniqueName } from './test-database';
export type { TestDatabase } from './test-database';
export { createTestRedis, TEST_REDIS_URL } from './test-redis';
export type { TestRedis } from './test-redis';
export { TEST_ADMIN, testConfig } from './test-config';
export { waitFor } from './wait-for';
export { testActor } from './test-actor';
export { seededRandom } from './seeded-random';
