import { UnreachableError } from '@gateway/config';
import Redis from 'ioredis';
import { redisOptionsFromUrl } from './redis-options';

/** Resolves when Redis at `url` answers PING; after `timeoutMs`, rejects with one line saying why. */
export async function waitForRedis(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const failure = await pingOnce(url);
    if (failure === undefined) return;
    if (Date.now() > deadline) throw new UnreachableError(`cannot reach Redis at REDIS_URL: ${failure}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** undefined when Redis answered, else why not (the socket's error, which says more than the command's). */
async function pingOnce(url: string): Promise<string | undefined> {
  let socketError: string | undefined;
  const client = new Redis({
    ...redisOptionsFromUrl(url),
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 2_000,
  });
  client.on('error', (error: Error) => (socketError ??= error.message));
  try {
    await client.connect();
    await client.ping();
    return undefined;
  } catch (error) {
    return socketError ?? (error as Error).message;
  } finally {
    client.disconnect();
  }
}
