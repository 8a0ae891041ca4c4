import { TEST_REDIS_URL, uniqueName, waitFor } from '@gateway/testing';
import type { AppConfig } from '@gateway/config';
import Redis from 'ioredis';
import { ChangeFeed, type Change } from './change-feed';

describe('ChangeFeed', () => {
  let redis: Redis;
  let feed: ChangeFeed;

  beforeAll(() => {
    redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
    feed = new ChangeFeed(redis, { REDIS_PREFIX: uniqueName('change-feed') } as AppConfig);
  });

  afterAll(async () => {
    await feed.onApplicationShutdown();
    redis.disconnect();
  });

  it('tells its own process of a change before the write answers, and every process through Redis', async () => {
    const heard: Change[] = [];
    // ('lost' comes when the subscription starts: reload everything, as it may have missed some.)
    feed.subscribe('model-chains', (change) => change !== 'lost' && heard.push(change));
    await waitFor('the subscription', async () => (feed.listening ? true : undefined));

    const published = feed.publish('model-chains', 'chain-1');
    // Before Redis's echo can arrive: the routing table of the process that took the write is stale
    // now, so the next request through it sees the new chain.
    expect(heard).toEqual([{ topic: 'model-chains', id: 'chain-1' }]);
    await published;
    await waitFor('the echo through Redis', async () => (heard.length === 2 ? true : undefined));
    expect(heard[1]).toEqual({ topic: 'model-chains', id: 'chain-1' });
  });
});
