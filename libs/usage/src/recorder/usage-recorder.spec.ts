import { Logger } from '@nestjs/common';
import { waitFor } from '@gateway/testing';
import type Redis from 'ioredis';
import type { UsageEvent } from '../usage-event';
import type { StoredUsage } from './stored-usage-lookup';
import type { DirectUsageStore } from './usage-direct-store';
import { UsageRecorder, type UsageRecorderOptions } from './usage-recorder';

/**
 * Just enough of ioredis and of the worker: pipelined XADDs into a stream that the test can lose,
 * the outbox's look at the stream's oldest entry, and a set of stored request ids.
 */
function fakes() {
  const state = { down: false };
  /** Every XADD ever made, in order (duplicates included). */
  const added: string[] = [];
  let stream: { id: string; requestId: string }[] = [];
  const storedIds = new Set<string>();
  let lookups = 0;
  let seq = 0;
  const xadd = (payload: string) => {
    added.push(payload);
    stream.push({ id: `${Date.now()}-${seq++}`, requestId: JSON.parse(payload).requestId });
  };
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
          batch.forEach(xadd);
          return batch.map(() => [null, 'id']);
        },
      };
      return pipeline;
    },
    eval: async () => {
      if (state.down) throw new Error('connection refused');
      const now = Date.now();
      return [String(Math.floor(now / 1000)), String((now % 1000) * 1000), stream[0]?.id ?? ''];
    },
  };
  const stored: StoredUsage = {
    storedAmong: async (ids) => {
      lookups++;
      if (state.down) throw new Error('connection refused');
      return new Set(ids.filter((id) => storedIds.has(id)));
    },
  };
  return {
    redis: redis as unknown as Redis,
    stored,
    state,
    added,
    ids: () => added.map((p) => JSON.parse(p).requestId as string),
    lookups: () => lookups,
    /** The worker stores (and deletes from the stream) everything in it. */
    ingest: () => {
      for (const entry of stream) storedIds.add(entry.requestId);
      stream = [];
    },
    /** Redis restarted without persistence. */
    loseStream: () => {
      stream = [];
    },
    /** The settlement script's XADD, which the recorder does not make itself. */
    scriptAdds: (event: UsageEvent) => xadd(JSON.stringify(event)),
    /** The same, with the JSON as the script wrote it. */
    scriptWrites: (payload: string) => xadd(payload),
  };
}

const event = (requestId: string) => ({ requestId }) as unknown as UsageEvent;

function recorderOn(
  f: ReturnType<typeof fakes>,
  options: Partial<UsageRecorderOptions> = {},
  direct?: DirectUsageStore,
) {
  return new UsageRecorder(f.redis, { REDIS_PREFIX: 'p' }, f.stored, options, direct);
}

/** PostgreSQL as the outbox reaches it at shutdown: what it was handed, or a failure. */
function directStore(answer: 'stores' | 'fails' | { refuses: string }) {
  const handed: string[][] = [];
  const store: DirectUsageStore = {
    storeDirectly: async (payloads) => {
      handed.push([...payloads]);
      if (answer === 'fails') throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
      const refused = typeof answer === 'object' ? payloads.filter((p) => p.includes(answer.refuses)) : [];
      return {
        inserted: payloads.length - refused.length,
        refused: refused.map((payload) => ({ payload, reason: 'tenantId must be a UUID' })),
      };
    },
  };
  return { store, handed };
}

/** The error lines logged for replay: each one event's JSON whole, as the usageEvent field. */
function replayLines(error: jest.SpyInstance): string[] {
  return error.mock.calls
    .map(([fields]) => fields as { usageEvent?: string })
    .filter((fields) => typeof fields === 'object' && fields?.usageEvent !== undefined)
    .map((fields) => fields.usageEvent as string);
}

describe('UsageRecorder (the usage outbox)', () => {
  beforeAll(() => {
    for (const level of ['warn', 'log', 'error', 'debug'] as const) {
      jest.spyOn(Logger.prototype, level).mockImplementation(() => undefined);
    }
  });
  afterAll(() => jest.restoreAllMocks());

  it('returns at once and delivers in order; flush waits for everything recorded before it', async () => {
    const f = fakes();
    const recorder = recorderOn(f, { batchSize: 2 });
    for (const id of ['a', 'b', 'c', 'd', 'e']) recorder.record(event(id));
    expect(recorder.stats().queued).toBeGreaterThan(0);
    await recorder.flush();
    expect(f.ids()).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(recorder.stats()).toEqual({ queued: 0, kept: 5, dropped: 0 });
  });

  it('never throws on an event it cannot serialise, and counts it as dropped', async () => {
    const f = fakes();
    const recorder = recorderOn(f);
    expect(() => recorder.record({ requestId: 'big', costNano: 1n } as unknown as UsageEvent)).not.toThrow();
    expect(() => recorder.record(undefined as unknown as UsageEvent)).not.toThrow();
    expect(() => recorder.sent(undefined as unknown as UsageEvent)).not.toThrow();
    recorder.record(event('fine'));
    await recorder.flush();
    expect(f.added).toHaveLength(1);
    expect(recorder.stats().dropped).toBe(3);
  });

  it('holds at most maxEvents, dropping the oldest with a count and a metric, and delivers the rest once Redis is back', async () => {
    const f = fakes();
    f.state.down = true;
    const recorder = recorderOn(f, { maxEvents: 2, retryMinMs: 5, retryMaxMs: 10 });
    for (const id of ['a', 'b', 'c']) recorder.record(event(id));
    const flushed = recorder.flush();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(recorder.stats()).toEqual({ queued: 2, kept: 2, dropped: 1 });
    expect(await recorder.registry.getSingleMetricAsString('gateway_usage_outbox_dropped_total')).toMatch(
      /gateway_usage_outbox_dropped_total 1$/m,
    );
    expect(f.added).toEqual([]);
    f.state.down = false;
    await flushed;
    expect(f.ids()).toEqual(['b', 'c']);
  });

  it('counts events already in the stream (the settlement script) towards the bound too', () => {
    const f = fakes();
    const recorder = recorderOn(f, { maxEvents: 2 });
    for (const id of ['a', 'b', 'c']) recorder.sent(event(id));
    expect(recorder.stats()).toEqual({ queued: 0, kept: 2, dropped: 1 });
    expect(f.added).toEqual([]);
  });

  it('forgets an event once it is stored, and only then', async () => {
    const f = fakes();
    const recorder = recorderOn(f);
    recorder.record(event('a'));
    f.scriptAdds(event('b'));
    recorder.sent(event('b'));
    await recorder.flush();
    await recorder.confirmNow(true);
    expect(recorder.stats().kept).toBe(2);
    f.ingest();
    await recorder.confirmNow(true);
    expect(recorder.stats().kept).toBe(0);
    expect(f.ids()).toEqual(['a', 'b']);
  });

  it('looks up only events older than confirmAfterMs on a regular round', async () => {
    const f = fakes();
    const recorder = recorderOn(f, { confirmAfterMs: 60_000 });
    recorder.record(event('young'));
    await recorder.flush();
    f.ingest();
    await recorder.confirmNow();
    expect(f.lookups()).toBe(0);
    expect(recorder.stats().kept).toBe(1);
  });

  it('sends again an event that is neither stored nor in the stream any more, once, and forgets it when stored', async () => {
    const f = fakes();
    const recorder = recorderOn(f);
    f.scriptAdds(event('lost-1'));
    recorder.sent(event('lost-1'));
    recorder.record(event('lost-2'));
    await recorder.flush();
    f.loseStream();
    await recorder.confirmNow(true);
    await recorder.flush();
    expect(f.ids()).toEqual(['lost-1', 'lost-2', 'lost-1', 'lost-2']);
    expect(await recorder.registry.getSingleMetricAsString('gateway_usage_outbox_resent_total')).toMatch(
      /gateway_usage_outbox_resent_total 2$/m,
    );
    f.ingest();
    await recorder.confirmNow(true);
    expect(recorder.stats().kept).toBe(0);
    expect(f.added).toHaveLength(4);
  });

  it('sends again, byte for byte, the JSON the settlement script wrote when it is given', async () => {
    const f = fakes();
    const recorder = recorderOn(f);
    // As the script writes it: coveredNano last, filled in by the script (not JSON.stringify's order).
    const written = '{"requestId":"as-written","status":200,"coveredNano":"1234"}';
    f.scriptWrites(written);
    recorder.sent(
      { requestId: 'as-written', coveredNano: '1234', status: 200 } as unknown as UsageEvent,
      written,
    );
    f.loseStream();
    await recorder.confirmNow(true);
    await recorder.flush();
    expect(f.added).toEqual([written, written]);
  });

  it('does not send again what still waits in the stream (the worker is behind)', async () => {
    const f = fakes();
    const recorder = recorderOn(f);
    recorder.record(event('waiting'));
    await recorder.flush();
    for (let i = 0; i < 3; i++) await recorder.confirmNow(true);
    expect(f.added).toHaveLength(1);
    expect(recorder.stats().kept).toBe(1);
  });

  it('decides nothing while Redis or PostgreSQL is down, and sends again once Redis is back', async () => {
    const f = fakes();
    const recorder = recorderOn(f, { retryMinMs: 5, retryMaxMs: 10 });
    recorder.record(event('a'));
    await recorder.flush();
    f.loseStream();
    f.state.down = true;
    await recorder.confirmNow(true);
    expect(recorder.stats()).toEqual({ queued: 0, kept: 1, dropped: 0 });
    f.state.down = false;
    await recorder.confirmNow(true);
    await recorder.flush();
    expect(f.ids()).toEqual(['a', 'a']);
  });

  it('drain() waits until the worker has stored every kept event, and gives up at its deadline', async () => {
    const f = fakes();
    const recorder = recorderOn(f, { drainStallMs: 60_000 });
    recorder.record(event('a'));
    recorder.record(event('b'));
    expect(await recorder.drain(100)).toBe(false);
    expect(recorder.stats().kept).toBe(2);
    const draining = recorder.drain(10_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    f.ingest();
    expect(await draining).toBe(true);
    expect(recorder.stats().kept).toBe(0);
  });

  it('drain() stops early when no worker stores anything and every event is in the stream', async () => {
    const f = fakes();
    const recorder = recorderOn(f, { drainStallMs: 300 });
    recorder.record(event('waits-in-stream'));
    await recorder.flush();
    // Without the early stop this would wait out the minute (and the test time out).
    expect(await recorder.drain(60_000)).toBe(false);
    expect(recorder.stats()).toEqual({ queued: 0, kept: 1, dropped: 0 });
  });

  it('drain() stores in PostgreSQL, once Redis took none of them for drainStallMs, the events waiting for Redis', async () => {
    const f = fakes();
    const { store, handed } = directStore('stores');
    const recorder = recorderOn(f, { drainStallMs: 100, retryMinMs: 5, retryMaxMs: 10 }, store);
    f.state.down = true;
    recorder.record(event('served-while-redis-down'));
    const started = Date.now();
    // Well before its deadline: Redis has had its drainStallMs.
    expect(await recorder.drain(60_000)).toBe(true);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(handed).toEqual([[JSON.stringify(event('served-while-redis-down'))]]);
    expect(recorder.stats()).toEqual({ queued: 0, kept: 0, dropped: 0 });
  });

  it('drain() logs in full, one error line each, what neither Redis nor PostgreSQL took, and says it did', async () => {
    const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    error.mockClear();
    const f = fakes();
    const { store, handed } = directStore('fails');
    const recorder = recorderOn(f, { drainStallMs: 50, retryMinMs: 5, retryMaxMs: 10 }, store);
    f.state.down = true;
    recorder.record(event('a'));
    recorder.record(event('b'));
    expect(await recorder.drain(400)).toBe(false);
    // Tried during the drain (kept on failure), and once more at its end.
    expect(handed.length).toBeGreaterThanOrEqual(2);
    expect(replayLines(error).map((line) => JSON.parse(line))).toEqual([event('a'), event('b')]);
    expect(error.mock.calls.map(([, message]) => String(message))).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^usage event not stored \(Redis never took it and PostgreSQL failed: connect ECONNREFUSED.*replay it/,
        ),
      ]),
    );
    expect(
      error.mock.calls.some(([message]) =>
        /neither Redis nor PostgreSQL took; each is logged in full/.test(String(message)),
      ),
    ).toBe(true);
    expect(recorder.stats()).toEqual({ queued: 0, kept: 0, dropped: 0 });
    // What the api's exit status tells its supervisor.
    expect(recorder.leftForReplay()).toBe(2);
  });

  it('drain() leaves nothing for replay when every event is stored', async () => {
    const f = fakes();
    const { store } = directStore('stores');
    const recorder = recorderOn(f, { drainStallMs: 20, retryMinMs: 5, retryMaxMs: 10 }, store);
    f.state.down = true;
    recorder.record(event('stored-directly'));
    expect(await recorder.drain(5_000)).toBe(true);
    await recorder.beforeApplicationShutdown();
    expect(recorder.leftForReplay()).toBe(0);
  });

  it('drain() logs in full an event PostgreSQL refuses, and stores the others', async () => {
    const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    error.mockClear();
    const f = fakes();
    const { store } = directStore({ refuses: 'malformed' });
    const recorder = recorderOn(f, { drainStallMs: 20, retryMinMs: 5, retryMaxMs: 10 }, store);
    f.state.down = true;
    recorder.record(event('fine'));
    recorder.record(event('malformed'));
    expect(await recorder.drain(5_000)).toBe(false);
    expect(replayLines(error)).toEqual([JSON.stringify(event('malformed'))]);
    expect(recorder.stats().kept).toBe(0);
    expect(recorder.leftForReplay()).toBe(1);
  });

  it('at application shutdown, stores in PostgreSQL what Redis never took, or logs it in full without a store', async () => {
    const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    error.mockClear();
    const f = fakes();
    f.state.down = true;
    const { store, handed } = directStore('stores');
    const withStore = recorderOn(f, { shutdownFlushMs: 50, retryMinMs: 5 }, store);
    withStore.record(event('stored-at-close'));
    await withStore.beforeApplicationShutdown();
    expect(handed).toEqual([[JSON.stringify(event('stored-at-close'))]]);
    expect(withStore.stats().kept).toBe(0);

    const without = recorderOn(f, { shutdownFlushMs: 50, retryMinMs: 5 });
    without.record(event('logged-at-close'));
    await without.beforeApplicationShutdown();
    expect(replayLines(error)).toEqual([JSON.stringify(event('logged-at-close'))]);
    expect(without.leftForReplay()).toBe(1);
    expect(withStore.leftForReplay()).toBe(0);
  });

  it('at shutdown, stores thousands of events batch by batch, and logs for replay only those its time left unstored', async () => {
    const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    error.mockClear();
    const f = fakes();
    f.state.down = true;
    // A PostgreSQL that stores 10 events a millisecond: 6,000 take 600 ms, more than the 400 given.
    const stored = new Set<string>();
    const store: DirectUsageStore = {
      storeDirectly: async (payloads) => {
        await new Promise((resolve) => setTimeout(resolve, payloads.length / 10));
        for (const payload of payloads) stored.add(payload);
        return { inserted: payloads.length, refused: [] };
      },
    };
    const recorder = recorderOn(f, { shutdownFlushMs: 400, retryMinMs: 5 }, store);
    const all = Array.from({ length: 6_000 }, (_, i) => JSON.stringify(event(`e-${i}`)));
    for (let i = 0; i < all.length; i++) recorder.record(event(`e-${i}`));
    await recorder.beforeApplicationShutdown();
    const logged = replayLines(error);
    // What was stored before the time ran out is not said to be lost, nor replayed.
    expect(logged.length).toBeGreaterThan(0);
    expect(logged.length).toBeLessThan(all.length);
    const storedWhenLogged = all.filter((payload) => !logged.includes(payload));
    expect(storedWhenLogged.every((payload) => stored.has(payload))).toBe(true);
    expect(recorder.stats()).toEqual({ queued: 0, kept: 0, dropped: 0 });
    expect(
      error.mock.calls.some(([message]) =>
        String(message).startsWith(`stopping with ${logged.length} usage events neither`),
      ),
    ).toBe(true);
  });

  it('drain() does not stop early while an event waits for Redis', async () => {
    const f = fakes();
    const recorder = recorderOn(f, { drainStallMs: 1, retryMinMs: 5, retryMaxMs: 10 });
    f.state.down = true;
    recorder.record(event('waits-for-redis'));
    const draining = recorder.drain(60_000);
    // Several rounds pass with nothing stored, then Redis and the worker come back.
    await new Promise((resolve) => setTimeout(resolve, 600));
    f.state.down = false;
    await waitFor('the event in the stream', async () => (f.added.length > 0 ? true : undefined));
    f.ingest();
    expect(await draining).toBe(true);
  });
});
