// Fault drills (issue #14): real api processes from dist/ (their memory measured from /proc), a
// redis-server of the drill's own, the mock upstream, and the official SDK. `npm test` runs them
// at a bounded scale; `npm run drills` runs them at full scale (DRILL_SCALE=full) for an operator.
// Each drill prints its figures (requests, errors by kind, records lost, reconcile, peak RSS).
import { connect } from 'node:net';
import { startMockUpstream, type MockUpstream } from '@gateway/mock-upstream';
import { seededRandom, waitFor } from '@gateway/testing';
import { MirrorReconciler } from '@gateway/billing';
import { REDIS } from '@gateway/redis';
import type { UsageIngestor } from '@gateway/usage';
import type Redis from 'ioredis';
import OpenAI from 'openai';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { startApi, type ApiHarness } from '../api-harness';
import { createChannel, fund, seedTenantWithToken, startIngestor } from '../relay/relay-fixture';
import { spawnApi, startRedisServer, type ApiProcess, type RedisProcess } from './drill-processes';
import { apiRoutes, generateRequests, RELAY_ROUTES, type GeneratedRequest } from './malformed-requests';

const FULL = process.env['DRILL_SCALE'] === 'full';
const SCALE = {
  malformed: FULL ? 10_000 : 1_500,
  stalledClients: 6,
  /** Embedding rows of 4096 floats: ~80 KB each. */
  stalledRows: FULL ? 300 : 120,
  hugeRows: FULL ? 1250 : 400,
  redisLoadMs: FULL ? 20_000 : 8_000,
};
const IDLE_MS = 10_000;
// The full scale runs longer than the e2e suites' default.
if (FULL) jest.setTimeout(900_000);

const figures: Record<string, Record<string, unknown>> = {};

function report(drill: string, values: Record<string, unknown>): void {
  figures[drill] = values;
}

function countBy<T>(items: T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

/** The tenant's stored usage records by status (of `models` only, when given). */
async function storedRecords(
  harness: ApiHarness,
  tenantId: string,
  models: string[] | null = null,
): Promise<Record<string, number>> {
  const rows = (await harness.app
    .get(DataSource)
    .query(
      'SELECT status, count(*)::int AS n FROM usage_records WHERE tenant_id = $1 AND ($2::text[] IS NULL OR model = ANY($2)) GROUP BY status',
      [tenantId, models],
    )) as { status: number; n: number }[];
  return Object.fromEntries(rows.map((row) => [String(row.status), row.n]));
}

async function reconcile(harness: ApiHarness, admin: string): Promise<unknown[]> {
  const res = await request(harness.url)
    .get('/api/usage/reconciliation')
    .set('authorization', `Bearer ${admin}`)
    .expect(200);
  return (res.body as { mismatches: unknown[] }).mismatches;
}

afterAll(() => {
  console.log(
    `fault drill figures (${FULL ? 'full' : 'bounded'} scale):\n${JSON.stringify(figures, null, 2)}`,
  );
});

describe('fault drills on the shared PostgreSQL and Redis', () => {
  let harness: ApiHarness;
  let mock: MockUpstream;
  let ingestor: UsageIngestor;
  let admin: string;
  let api: ApiProcess;
  let tenantId: string;
  let key: string;

  beforeAll(async () => {
    mock = await startMockUpstream();
    harness = await startApi('fault_drills');
    ingestor = startIngestor(harness);
    admin = await harness.adminToken();
    ({ tenantId, key } = await seedTenantWithToken(harness, admin));
    await fund(harness, tenantId, '1000');
    await createChannel(harness, admin, {
      name: 'drill',
      baseUrl: mock.baseUrl,
      models: ['m-drill', 'emb-drill'],
      keys: ['sk-mock-drill-plain'],
      timeoutMs: IDLE_MS,
    });
    // Generating a 100 MB answer takes the mock a while: its channel waits longer for the headers.
    await createChannel(harness, admin, {
      name: 'drill-huge',
      baseUrl: mock.baseUrl,
      models: ['emb-huge'],
      keys: ['sk-mock-drill-huge'],
      timeoutMs: 120_000,
    });
    // The mock takes its faults from the channel key the gateway sends.
    await createChannel(harness, admin, {
      name: 'drill-drop',
      baseUrl: mock.baseUrl,
      models: ['m-drop'],
      keys: ['sk-mock-drill-drop;chunks=10;drop=4'],
    });
    await createChannel(harness, admin, {
      name: 'drill-stall',
      baseUrl: mock.baseUrl,
      models: ['m-stall'],
      keys: ['sk-mock-drill-stall;chunks=4;chunkDelay=5000'],
      timeoutMs: 1_500,
    });
    api = await spawnApi(harness);
  });

  afterAll(async () => {
    await api?.stop();
    await ingestor?.stop();
    await harness?.close();
    await mock?.close();
  });

  it(`answers generated malformed requests on every /v1 and /api route without a 5xx, memory flat`, async () => {
    const document = (await request(harness.url).get('/api/openapi.json').expect(200)).body;
    // Logging out would only end the drill's own session.
    const routes = [...RELAY_ROUTES, ...apiRoutes(document).filter((r) => r.path !== '/api/auth/logout')];
    const requests = generateRequests(routes, SCALE.malformed, seededRandom(14), { admin, key });
    const before = api.memory();
    const statuses: number[] = [];
    const failures: string[] = [];
    let next = 0;
    // The first half grows the heap to its working size; the second half shows whether it keeps
    // growing (a leak) or stays flat.
    const half = Math.floor(requests.length / 2);
    let middle: { rssMb: number } | undefined;
    const lane = async () => {
      while (next < requests.length) {
        if (next === half) middle = api.memory();
        const sent = requests[next++] as GeneratedRequest;
        const res = await fetch(`${api.url}${sent.path}`, {
          method: sent.method,
          headers: sent.headers,
          body: sent.body,
        }).catch((error: unknown) => ({ status: 0, error }));
        statuses.push(res.status);
        if ('text' in res) await res.arrayBuffer().catch(() => undefined);
        if (res.status >= 500 || res.status === 0)
          failures.push(`${sent.method} ${sent.path.slice(0, 120)} → ${res.status}`);
      }
    };
    await Promise.all(Array.from({ length: 8 }, lane));
    const after = api.memory();
    const health = await fetch(`${api.url}/health`);
    report('malformed requests', {
      requests: requests.length,
      routes: routes.length,
      byStatus: countBy(statuses, String),
      fiveXx: failures.length,
      rssMbBefore: before.rssMb,
      rssMbAtHalf: middle?.rssMb,
      rssMbAfter: after.rssMb,
      peakRssMb: after.peakMb,
    });
    if (failures.length > 0) console.log(`api output:\n${api.output().slice(-6000)}`);
    expect(failures.slice(0, 20)).toEqual([]);
    expect(health.status).toBe(200);
    // Flat: the second half adds little (measured at full scale: +92 MB over the first 5,000 requests,
    // the heap settling at its working size, then +3 MB over the next 5,000).
    expect(after.rssMb - (middle?.rssMb ?? before.rssMb)).toBeLessThan(50);
    expect(after.rssMb - before.rssMb).toBeLessThan(200);
  });

  it('keeps memory bounded with large answers to clients that never read, and passes a huge one through', async () => {
    const before = api.memory();
    const input = (rows: number) => Array.from({ length: rows }, (_, i) => `row ${i}`);
    const body = JSON.stringify({ model: 'emb-drill', input: input(SCALE.stalledRows), dimensions: 4096 });
    // Started a little apart: the mock builds each answer on the test's own thread.
    const bearer = key;
    const sockets = [];
    for (let i = 0; i < SCALE.stalledClients; i++) {
      const socket = connect({ host: '127.0.0.1', port: Number(new URL(api.url).port) }, () =>
        socket.write(
          `POST /v1/embeddings HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${bearer}\r\n` +
            `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
        ),
      );
      // Never read: the receive window fills and the gateway's writes stop draining.
      socket.pause();
      socket.on('error', () => undefined);
      sockets.push(socket);
      await new Promise((r) => setTimeout(r, 1_000));
    }
    let peak = before.rssMb;
    let died: unknown = null;
    const sampler = setInterval(() => {
      try {
        peak = Math.max(peak, api.memory().rssMb);
      } catch (error) {
        died = error;
      }
    }, 100);
    // Each client is cut once it has read nothing for the channel's idle timeout: its request is
    // then recorded as the client's abort (499), its upstream call and hold released.
    const startedAt = Date.now();
    let cut: Record<string, number> = {};
    await waitFor(
      'the stalled clients to be cut and recorded',
      async () => {
        cut = await storedRecords(harness, tenantId, ['emb-drill']);
        return Object.values(cut).reduce((a, b) => a + b, 0) >= SCALE.stalledClients ? true : undefined;
      },
      IDLE_MS * 3 + 60_000,
    ).catch(() => undefined);
    const cutAfterMs = Date.now() - startedAt;
    sockets.forEach((socket) => socket.destroy());

    // One client that reads: a huge untranslated answer streams through whole.
    const client = new OpenAI({ apiKey: key, baseURL: `${api.url}/v1`, maxRetries: 0, timeout: 120_000 });
    const huge = await client.embeddings.create({
      model: 'emb-huge',
      input: input(SCALE.hugeRows),
      dimensions: 4096,
      encoding_format: 'float',
    });
    clearInterval(sampler);
    if (died !== null) throw died;
    const answerMb = Math.round((SCALE.hugeRows * 4096 * 19) / 1e6);
    report('large answers, clients that do not read', {
      stalledClients: SCALE.stalledClients,
      stalledAnswerMbEach: Math.round((SCALE.stalledRows * 4096 * 19) / 1e6),
      recordedByStatus: cut,
      cutAfterMs,
      hugeAnswerRows: huge.data.length,
      hugeAnswerMbApprox: answerMb,
      rssMbBefore: before.rssMb,
      peakRssMb: peak,
      growthMb: peak - before.rssMb,
    });
    expect(cut).toEqual({ '499': SCALE.stalledClients });
    expect(huge.data).toHaveLength(SCALE.hugeRows);
    expect(peak - before.rssMb).toBeLessThan(200);
  });

  it('reports an upstream that drops or stalls mid-stream as a broken stream, and records it', async () => {
    const client = new OpenAI({ apiKey: key, baseURL: `${api.url}/v1`, maxRetries: 0, timeout: 30_000 });
    const models = ['m-drop', 'm-stall'];
    const before = await storedRecords(harness, tenantId, models);
    const outcomes: string[] = [];
    const once = async (model: string) => {
      let chunks = 0;
      try {
        const stream = await client.chat.completions.create({
          model,
          stream: true,
          messages: [{ role: 'user', content: 'go' }],
        });
        for await (const chunk of stream) if (chunk.choices[0]?.delta.content) chunks++;
        outcomes.push(`${model}: completed`);
      } catch (error) {
        const kind = error instanceof OpenAI.APIError ? 'error event' : 'cut';
        outcomes.push(`${model}: ${kind} after ${chunks > 0 ? 'content' : 'nothing'}`);
      }
    };
    const runs = FULL ? 20 : 4;
    await Promise.all([
      ...Array.from({ length: runs }, () => once('m-drop')),
      ...Array.from({ length: runs }, () => once('m-stall')),
    ]);
    let after: Record<string, number> = {};
    await waitFor('the broken streams’ records', async () => {
      after = await storedRecords(harness, tenantId, models);
      const grown = (status: string) => (after[status] ?? 0) - (before[status] ?? 0);
      return grown('502') >= runs && grown('504') >= runs ? true : undefined;
    }).catch(() => undefined);
    const grown = (status: string) => (after[status] ?? 0) - (before[status] ?? 0);
    report('upstream drops / stalls mid-stream', {
      requests: runs * 2,
      outcomes: countBy(outcomes, (o) => o),
      recordedDropped502: grown('502'),
      recordedStalled504: grown('504'),
      peakRssMb: api.memory().peakMb,
    });
    // Never a clean end: the client learns the answer broke off, after the content it had.
    expect(outcomes.filter((o) => o.endsWith('completed'))).toEqual([]);
    expect(grown('502')).toBe(runs);
    expect(grown('504')).toBe(runs);
  });
});

describe('fault drills on a Redis of their own', () => {
  let redis: RedisProcess;
  let harness: ApiHarness;
  let mock: MockUpstream;
  let ingestor: UsageIngestor;
  let admin: string;
  /** Two api processes share the Redis, as behind a load balancer (issue #14's topology). */
  let apis: ApiProcess[] = [];

  beforeAll(async () => {
    redis = await startRedisServer();
    mock = await startMockUpstream();
    harness = await startApi('fault_drills_redis', { REDIS_URL: redis.url });
    ingestor = startIngestor(harness);
    admin = await harness.adminToken();
    apis = await Promise.all([0, 1].map(() => spawnApi(harness, { REDIS_COMMAND_TIMEOUT_MS: '500' })));
  });

  afterAll(async () => {
    await Promise.all(apis.map((api) => api.stop()));
    await ingestor?.stop();
    await harness?.close();
    await mock?.close();
    await redis?.stop();
  });

  it('recovers from Redis restarted without persistence under load: 503s with a code, books reconcile, no record lost', async () => {
    await createChannel(harness, admin, {
      name: 'drill',
      baseUrl: mock.baseUrl,
      models: ['m-redis'],
      keys: ['sk-mock-drill-redis'],
    });
    await request(harness.url)
      .put('/api/models/m-redis/price')
      .set('authorization', `Bearer ${admin}`)
      .send({ inputPer1M: '1', cachedInputPer1M: '1', outputPer1M: '2' })
      .expect(200);
    const { tenantId, key } = await seedTenantWithToken(harness, admin);
    await fund(harness, tenantId, '100');
    const clients = apis.map(
      (api) => new OpenAI({ apiKey: key, baseURL: `${api.url}/v1`, maxRetries: 0, timeout: 30_000 }),
    );
    const outcomes: string[] = [];
    let running = true;
    const lane = async (client: OpenAI) => {
      while (running) {
        try {
          await client.chat.completions.create({
            model: 'm-redis',
            max_tokens: 16,
            messages: [{ role: 'user', content: 'steady load' }],
          });
          outcomes.push('200');
        } catch (error) {
          outcomes.push(
            error instanceof OpenAI.APIError
              ? `${error.status ?? 0} ${error.code ?? ''}`.trim()
              : 'connection',
          );
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    };
    // Four lanes, two on each api process.
    const lanes = Array.from({ length: 4 }, (_, i) => lane(clients[i % 2] as OpenAI));
    let recoveredAfterMs = -1;
    try {
      await new Promise((r) => setTimeout(r, SCALE.redisLoadMs / 3));
      const restartAt = Date.now();
      const servedBefore = outcomes.filter((o) => o === '200').length;
      await redis.restart(1_000);
      await waitFor(
        'a request served after the restart',
        async () => (outcomes.slice(servedBefore).includes('200') ? true : undefined),
        30_000,
      );
      recoveredAfterMs = Date.now() - restartAt;
      await new Promise((r) => setTimeout(r, SCALE.redisLoadMs / 3));
    } finally {
      running = false;
      await Promise.all(lanes);
    }
    const answered = outcomes.length;
    // Every authenticated request leaves exactly one record, answered or refused.
    let stored: Record<string, number> = {};
    await waitFor(
      'every request’s usage record',
      async () => {
        stored = await storedRecords(harness, tenantId);
        return Object.values(stored).reduce((a, b) => a + b, 0) >= answered ? true : undefined;
      },
      30_000,
    ).catch(() => undefined);
    const recordCount = Object.values(stored).reduce((a, b) => a + b, 0);
    const mismatches = await reconcile(harness, admin);
    // The worker's scheduled job, run once now that every event is stored: the mirror rebuilt after
    // the restart missed the debits of requests settled before it and stored after it.
    const mirror = await new MirrorReconciler(
      harness.app.get(REDIS),
      harness.config,
      harness.app.get(DataSource),
    ).run();
    const [ledger] = (await harness.app
      .get(DataSource)
      .query('SELECT debits_nano::text AS debits FROM tenant_balances WHERE tenant_id = $1', [tenantId])) as {
      debits: string;
    }[];
    const mirrorDebits = await harness.app
      .get<Redis>(REDIS)
      .hget(`${harness.config.REDIS_PREFIX}:funds:${tenantId}`, 'debits');
    const byKind = countBy(outcomes, (o) => o);
    report('redis restarted without persistence', {
      requests: answered,
      byKind,
      recoveredAfterMs,
      records: recordCount,
      recordsByStatus: stored,
      recordsLost: answered - recordCount,
      reconcileMismatches: mismatches.length,
      mirrorCorrectedNano: mirror.corrections
        .filter((c) => c.kind === 'tenant' && c.id === tenantId)
        .map((c) => c.added),
      mirrorMinusLedgerNano: (BigInt(mirrorDebits ?? '0') - BigInt(ledger?.debits ?? '0')).toString(),
      peakRssMb: apis.map((api) => api.memory().peakMb),
    });
    if (Object.keys(byKind).some((k) => k !== '200' && !k.startsWith('503')))
      console.log(`api output:\n${apis.map((api) => api.output().slice(-3000)).join('\n---\n')}`);
    expect(Object.keys(byKind).filter((k) => k !== '200' && !k.startsWith('503'))).toEqual([]);
    // Events the old Redis held but the worker had not stored died with it; the api's outbox kept
    // them and sent them again (docs/design.md "The usage outbox").
    expect({ recordsLost: answered - recordCount }).toEqual({ recordsLost: 0 });
    expect(mismatches).toEqual([]);
    expect(mirrorDebits).toBe(ledger?.debits);
  });
});
