import { Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import type { UsageEvent } from '../usage-event';
import { UsageRecorder } from './usage-recorder';

/** Just enough of ioredis: pipelined XADDs that succeed or fail as the test says. */
function fakeRedis() {
  const added: string[] = [];
  const state = { down: false };
  const redis = {
    pipeline() {
      const batch: string[] = [];
      const pipeline = {
        xadd: (_key: string, _id: string, _field: string, payload: string) => {
          batch.push(payload);
          return pipeline;
        },
        exec: async () => {
          if (state.down) throw new Error('connection refused');
          added.push(...batch);
          return batch.map(() => [null, 'id']);
        },
      };
      return pipeline;
    },
  };
  return { redis: redis as unknown as Redis, added, state };
}

const event = (requestId: string) => ({ requestId }) as unknown as UsageEvent;

describe('UsageRecorder', () => {
  beforeAll(() => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  });
  afterAll(() => jest.restoreAllMocks());

  it('returns at once and delivers in order; flush waits for everything recorded before it', async () => {
    const { redis, added } = fakeRedis();
    const recorder = new UsageRecorder(redis, { REDIS_PREFIX: 'p' }, { batchSize: 2 });
    for (const id of ['a', 'b', 'c', 'd', 'e']) recorder.record(event(id));
    expect(recorder.stats().queued).toBeGreaterThan(0);
    await recorder.flush();
    expect(added.map((p) => JSON.parse(p).requestId)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(recorder.stats()).toEqual({ queued: 0, dropped: 0 });
  });

  it('never throws on an event it cannot serialise, and counts it as dropped', async () => {
    const { redis, added } = fakeRedis();
    const recorder = new UsageRecorder(redis, { REDIS_PREFIX: 'p' });
    expect(() => recorder.record({ requestId: 'big', costNano: 1n } as unknown as UsageEvent)).not.toThrow();
    expect(() => recorder.record(undefined as unknown as UsageEvent)).not.toThrow();
    recorder.record(event('fine'));
    await recorder.flush();
    expect(added).toHaveLength(1);
    expect(recorder.stats().dropped).toBe(2);
  });

  it('holds at most maxQueued events while Redis fails, then delivers them when it is back', async () => {
    const { redis, added, state } = fakeRedis();
    state.down = true;
    const recorder = new UsageRecorder(
      redis,
      { REDIS_PREFIX: 'p' },
      { maxQueued: 2, retryMinMs: 5, retryMaxMs: 10 },
    );
    for (const id of ['a', 'b', 'c']) recorder.record(event(id));
    const flushed = recorder.flush();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(recorder.stats()).toEqual({ queued: 2, dropped: 1 });
    expect(added).toEqual([]);
    state.down = false;
    await flushed;
    expect(added.map((p) => JSON.parse(p).requestId)).toEqual(['a', 'b']);
  });
});
