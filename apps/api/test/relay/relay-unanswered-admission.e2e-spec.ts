// An admission that Redis runs but whose answer the api does not wait for (its command timed out: a
// Redis stalled, or the api's own event loop blocked past REDIS_COMMAND_TIMEOUT_MS) is answered 503,
// and what the script did is undone once the request is over: its hold, the token window's and the
// key's estimates. Before, the hold stayed until the worker's reaper released it an hour later, so a
// tenant near the end of its balance was refused meanwhile. On a redis-server of the suite's own,
// stopped with SIGSTOP while the request is admitted (the shared one would stall every suite).
import { BalanceMirror } from '@gateway/billing';
import { startMockUpstream, type MockUpstream } from '@gateway/mock-upstream';
import { REDIS } from '@gateway/redis';
import { waitFor } from '@gateway/testing';
import type Redis from 'ioredis';
import OpenAI from 'openai';
import request from 'supertest';
import { startApi, type ApiHarness } from '../api-harness';
import { startRedisServer, type RedisProcess } from '../drills/drill-processes';
import { createChannel, fund, sdk, seedTenantWithToken } from './relay-fixture';

/** Long enough that the stopped Redis is resumed well before the undo's own command times out. */
const COMMAND_TIMEOUT_MS = 1_000;

describe('an admission that got no answer (a Redis of its own)', () => {
  let redisServer: RedisProcess;
  let api: ApiHarness;
  let mock: MockUpstream;
  let redis: Redis;

  beforeAll(async () => {
    redisServer = await startRedisServer();
    mock = await startMockUpstream();
    api = await startApi('relay_unanswered_admission', {
      REDIS_URL: redisServer.url,
      REDIS_COMMAND_TIMEOUT_MS: String(COMMAND_TIMEOUT_MS),
    });
    redis = api.app.get(REDIS);
  });
  afterAll(async () => {
    await redisServer?.resume();
    await api?.close();
    await mock?.close();
    await redisServer?.stop();
  });

  /** Every rate window under the suite's prefix (a hash with r and t): its request and token counts. */
  async function windows(): Promise<Map<string, { r: number; t: number }>> {
    const found = new Map<string, { r: number; t: number }>();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${api.config.REDIS_PREFIX}:*`, 'COUNT', 500);
      cursor = next;
      for (const key of keys) {
        if ((await redis.type(key)) !== 'hash') continue;
        const [r, t] = await redis.hmget(key, 'r', 't');
        if (r !== null && t !== null) found.set(key, { r: Number(r), t: Number(t) });
      }
    } while (cursor !== '0');
    return found;
  }

  it('is answered 503, and its hold and the estimates it counted are given back once Redis answers again', async () => {
    const admin = await api.adminToken();
    await createChannel(api, admin, {
      name: 'unanswered',
      baseUrl: mock.baseUrl,
      models: ['m-unanswered'],
      keys: [{ key: 'sk-mock-unanswered', rpm: 1_000, tpm: 10_000_000 }],
    });
    await request(api.url)
      .put('/api/models/m-unanswered/price')
      .set('authorization', `Bearer ${admin}`)
      .send({ inputPer1M: '1', outputPer1M: '2' })
      .expect(200);
    const { key, tenantId } = await seedTenantWithToken(api, admin, {
      rpm: 1_000,
      tpm: 10_000_000,
      quotaUsd: '5',
    });
    await fund(api, tenantId, '3');
    const client = sdk(api, key);
    const chat = {
      model: 'm-unanswered',
      messages: [{ role: 'user' as const, content: 'hello' }],
      max_tokens: 50,
    };
    // The windows are named by the minute (and the day): both requests must count in the same ones.
    const toNextMinute = 60_000 - (Date.now() % 60_000);
    if (toNextMinute < 15_000) await new Promise((resolve) => setTimeout(resolve, toNextMinute + 100));
    // A request served first: the mirrors are loaded, the token and the routing table are warm, so
    // the next request's first Redis command is its admission.
    await client.chat.completions.create(chat);
    const mirror = api.app.get(BalanceMirror);
    // Settled after its answer went out.
    const before = await waitFor(
      'the first request to be settled',
      async () => {
        const snapshot = await mirror.snapshot(tenantId);
        return snapshot?.held === 0n ? snapshot : undefined;
      },
      10_000,
    );
    const windowsBefore = await windows();
    expect(windowsBefore.size).toBeGreaterThanOrEqual(2);

    redisServer.pause();
    let refused: unknown;
    try {
      await client.chat.completions.create(chat);
    } catch (error) {
      refused = error;
    } finally {
      // The undo was sent with the 503: it runs, after the admission, now.
      redisServer.resume();
    }
    expect(refused).toBeInstanceOf(OpenAI.APIError);
    expect((refused as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
    expect((refused as InstanceType<typeof OpenAI.APIError>).code).toBe('store_unavailable');

    // The admission ran when Redis came back (a hold was placed and the windows counted); the undo
    // ran right after it.
    await waitFor(
      'the hold to be given back',
      async () => ((await mirror.snapshot(tenantId))?.held === 0n ? true : undefined),
      10_000,
    );
    await waitFor(
      'the windows to get their estimates back',
      async () => {
        const now = await windows();
        for (const [name, { t }] of windowsBefore) if (now.get(name)?.t !== t) return undefined;
        return now;
      },
      10_000,
    );
    // The request is marked settled: an admission that ran only now (a command ioredis sends again
    // after a reconnect) would answer that and write nothing.
    const markers = await redis.keys(`${api.config.REDIS_PREFIX}:once:*`);
    const values = await Promise.all(markers.map((marker) => redis.get(marker)));
    expect(values.filter((value) => value === 'settled')).toHaveLength(1);
    const after = await mirror.snapshot(tenantId);
    expect(after?.held).toBe(0n);
    expect(after?.balance).toBe(before?.balance);
    expect(await redis.zcard(`${api.config.REDIS_PREFIX}:holds:due`)).toBe(0);
    // The request itself is counted in the windows (it was admitted), its tokens are not.
    const windowsAfter = await windows();
    for (const [name, { r }] of windowsBefore) expect(windowsAfter.get(name)?.r).toBe(r + 1);

    // The tenant's balance is whole again at once: the next request is served.
    await expect(client.chat.completions.create(chat)).resolves.toMatchObject({ object: 'chat.completion' });
  });
});
