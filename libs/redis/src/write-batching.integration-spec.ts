import { randomUUID } from 'node:crypto';
import { countSocketWrites, TEST_REDIS_URL } from '@gateway/testing';
import Redis from 'ioredis';
import { batchWritesPerTick } from './write-batching';

/** Commands written to the socket and awaiting their replies (ioredis's own queue of them). */
const onTheWire = (redis: Redis) =>
  (redis as unknown as { commandQueue: { length: number } }).commandQueue.length;

const nextIteration = () => new Promise((resolve) => setImmediate(resolve));

describe('batchWritesPerTick (real Redis)', () => {
  const prefix = `write-batching-spec:${randomUUID()}`;
  const clients: Redis[] = [];
  let admin: Redis;

  async function batchedClient(): Promise<Redis> {
    const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1, lazyConnect: true });
    clients.push(redis);
    batchWritesPerTick(redis);
    await redis.connect();
    return redis;
  }

  beforeAll(() => {
    admin = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
  });
  afterAll(async () => {
    const keys = await admin.keys(`${prefix}:*`);
    if (keys.length > 0) await admin.del(...keys);
    for (const client of clients) client.disconnect();
    admin.disconnect();
  });

  it('sends the commands issued in one tick, and in the promise continuations it runs, in one write', async () => {
    const redis = await batchedClient();
    const writes = countSocketWrites(redis.stream);
    const key = `${prefix}:tick`;
    const replies: Promise<unknown>[] = [];
    for (let i = 0; i < 10; i++) replies.push(redis.incr(key));
    // Issued from microtasks of the same tick, as the relay's request starts issue theirs.
    await Promise.resolve();
    for (let i = 0; i < 10; i++) replies.push(redis.incr(key));
    expect(await Promise.all(replies)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(writes()).toBe(1);
  });

  it('writes a command at once while earlier ones still wait for their replies', async () => {
    const redis = await batchedClient();
    const key = `${prefix}:paused`;
    // The first command's reply takes 300 ms (a pop from an empty list, waiting that long).
    const first = redis.blpop(`${key}:empty`, 0.3);
    await nextIteration();
    expect(onTheWire(redis)).toBe(1);
    const second = redis.set(key, 'second');
    await nextIteration();
    // Auto-pipelining held the second back until the first's reply (one batch in flight).
    expect(onTheWire(redis)).toBe(2);
    expect(await first).toBeNull();
    expect(await second).toBe('OK');
    expect(await redis.get(key)).toBe('second');
  });

  it('batches the writes of a new socket after a reconnection too', async () => {
    const redis = await batchedClient();
    const before = redis.stream;
    const ready = new Promise((resolve) => redis.once('ready', resolve));
    before.destroy();
    await ready;
    expect(redis.stream).not.toBe(before);
    const writes = countSocketWrites(redis.stream);
    const key = `${prefix}:again`;
    const replies = [redis.incr(key), redis.incr(key), redis.incr(key)];
    expect(await Promise.all(replies)).toEqual([1, 2, 3]);
    expect(writes()).toBe(1);
  });
});
