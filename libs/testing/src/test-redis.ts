// A Redis key prefix of its own for each test suite on the machine's real Redis; its keys are
// deleted when the suite ends.
import Redis from 'ioredis';
import { uniqueName } from './test-database';

export const TEST_REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

export interface TestRedis {
  url: string;
  prefix: string;
  /** Keys currently under this suite's prefix. */
  keys(): Promise<string[]>;
  cleanup(): Promise<void>;
}

export function createTestRedis(suite: string): TestRedis {
  const prefix = uniqueName(suite);
  const scan = async (client: Redis): Promise<string[]> => {
    const found: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      found.push(...batch);
    } while (cursor !== '0');
    return found;
  };
  const withClient = async <T>(fn: (client: Redis) => Promise<T>): Promise<T> => {
    const client = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
    try {
      return await fn(client);
    } finally {
      client.disconnect();
    }
  };
  return {
    url: TEST_REDIS_URL,
    prefix,
    keys: () => withClient(scan),
    cleanup: () =>
      withClient(async (client) => {
        const keys = await scan(client);
        for (let i = 0; i < keys.length; i += 500) await client.del(...keys.slice(i, i + 500));
      }),
  };
}
