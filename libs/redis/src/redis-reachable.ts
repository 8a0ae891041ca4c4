import { UnreachableError } from '@gateway/config';
import Redis from 'ioredis';
import { redisOptionsFromUrl } from './redis-options';

/** Resolves when Redis at `url` answers PING; after `timeoutMs`, rejects with one line saying why. */
export async function waitForRedis(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = 'no answer';
  for (;;) {
    const client = new Redis({
      ...redisOptionsFromUrl(url),
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      connectTimeout: 2_000,
    });
    client.on('error', (error: Error) => (lastError = error.message));
    try {
      await client.connect();
      await client.ping();
      return;
    } catch (error) {
      if (lastError === 'no answer') lastError = (error as Error).message;
    } finally {
      client.disconnect();
    }
    if (Date.now() > deadline) throw new UnreachableError(`cannot reach Redis at REDIS_URL: ${lastError}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
