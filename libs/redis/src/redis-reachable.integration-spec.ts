import { UnreachableError } from '@gateway/config';
import { TEST_REDIS_URL } from '@gateway/testing';
import { waitForRedis } from './redis-reachable';

describe('waitForRedis', () => {
  it('resolves when Redis answers', async () => {
    await expect(waitForRedis(TEST_REDIS_URL, 1_000)).resolves.toBeUndefined();
  });

  it('gives up after the grace period with one line saying why', async () => {
    const started = Date.now();
    const error = await waitForRedis('redis://127.0.0.1:1', 1_000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnreachableError);
    expect((error as Error).message).toBe(
      'cannot reach Redis at REDIS_URL: connect ECONNREFUSED 127.0.0.1:1',
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
  });
});
