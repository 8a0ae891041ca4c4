import { Logger } from '@nestjs/common';
import { TEST_REDIS_URL, uniqueName, waitFor } from '@gateway/testing';
import Redis from 'ioredis';
import { PubSubSubscriber } from './pubsub-subscriber';

describe('PubSubSubscriber', () => {
  const channel = `${uniqueName('pubsub')}:changes`;
  const connectionName = uniqueName('pubsub-subscriber');
  let redis: Redis;
  let subscriber: PubSubSubscriber;
  const messages: string[] = [];
  let losses = 0;

  const subscribers = async () => ((await redis.pubsub('NUMSUB', channel)) as [string, number])[1];

  beforeAll(async () => {
    redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
    subscriber = new PubSubSubscriber(redis, {
      channel,
      connectionName,
      logger: new Logger('PubSubSubscriberSpec'),
      onMessage: (payload) => messages.push(payload),
      onLost: () => losses++,
    });
  });
  afterAll(async () => {
    await subscriber.stop();
    redis.disconnect();
  });

  it('is not listening before it starts, and starting twice opens one connection', async () => {
    expect(subscriber.listening).toBe(false);
    subscriber.start();
    subscriber.start();
    await waitFor('the subscription', async () => (subscriber.listening ? true : undefined), 2_000);
    expect(await subscribers()).toBe(1);
    // Coming up counts as a loss: whatever was published before may have been missed.
    expect(losses).toBe(1);
  });

  it('hears what is published on its channel, and nothing else', async () => {
    await redis.publish(`${channel}:other`, 'elsewhere');
    await redis.publish(channel, 'hello');
    await waitFor('the message', async () => (messages.length > 0 ? true : undefined), 2_000);
    expect(messages).toEqual(['hello']);
  });

  it('reports the dropped connection, then subscribes again by itself', async () => {
    const before = losses;
    // Only this suite's connection: other suites share the machine's Redis.
    const list = (await redis.client('LIST')) as string;
    const line = list.split('\n').find((entry) => entry.includes(` name=${connectionName} `));
    const id = /\bid=(\d+)/.exec(line ?? '')?.[1];
    expect(id).toBeDefined();
    await redis.client('KILL', 'ID', id!);
    await waitFor('the drop to be noticed', async () => (losses > before ? true : undefined), 2_000);
    await waitFor('the subscription again', async () => (subscriber.listening ? true : undefined), 5_000);
    // One loss when it dropped, one when it stood again.
    expect(losses).toBe(before + 2);
    await redis.publish(channel, 'after');
    await waitFor('the message', async () => (messages.includes('after') ? true : undefined), 2_000);
  });

  it('stops listening and closes its connection on stop', async () => {
    await subscriber.stop();
    expect(subscriber.listening).toBe(false);
    await waitFor(
      'the subscriber to go',
      async () => ((await subscribers()) === 0 ? true : undefined),
      2_000,
    );
  });
});
