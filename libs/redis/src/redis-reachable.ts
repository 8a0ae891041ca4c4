import { UnreachableError } from '@gateway/config';
import { connectRedis, type RedisTopology } from './redis-topology';

/**
 * Resolves when Redis (one server, the cluster or Sentinel's master) answers PING; after
 * `timeoutMs`, rejects with one line saying why. A bare URL means one server.
 */
export async function waitForRedis(target: string | RedisTopology, timeoutMs: number): Promise<void> {
  const topology: RedisTopology =
    typeof target === 'string'
      ? {
          REDIS_URL: target,
          REDIS_CLUSTER: false,
          REDIS_SENTINELS: undefined,
          REDIS_SENTINEL_NAME: 'mymaster',
        }
      : target;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const failure = await pingOnce(topology);
    if (failure === undefined) return;
    if (Date.now() > deadline) throw new UnreachableError(`cannot reach Redis at REDIS_URL: ${failure}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** undefined when Redis answered, else why not (the socket's error, which says more than the command's). */
async function pingOnce(topology: RedisTopology): Promise<string | undefined> {
  let socketError: string | undefined;
  const client = connectRedis(topology, {
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
