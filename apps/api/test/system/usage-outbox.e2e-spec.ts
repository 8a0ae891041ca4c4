// Issue #14 item 4 against real processes: an api and a worker from dist/, a redis-server of the
// suite's own and the official SDK. Redis loses every key between the settlement of requests and
// their storage (the worker is not running yet); every answered request still ends with exactly one
// usage record (the api's outbox sends again what Redis lost), and the worker's scheduled reconcile
// brings the rebuilt balance mirror to the ledger's debits, balance and token spend exactly.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startMockUpstream, type MockUpstream } from '@gateway/mock-upstream';
import { waitFor } from '@gateway/testing';
import Redis from 'ioredis';
import OpenAI from 'openai';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { startApi, type ApiHarness } from '../api-harness';
import { spawnApi, startRedisServer, type ApiProcess, type RedisProcess } from '../drills/drill-processes';
import { createChannel, fund, seedTenantWithToken } from '../relay/relay-fixture';

const WORKER_MAIN = resolve(__dirname, '../../../../dist/apps/worker/src/main.js');
const BEFORE_LOSS = 12;

interface WorkerProcess {
  output(): string;
  stop(): Promise<void>;
}

/** `node dist/apps/worker/src/main.js` on the harness's database and Redis. */
function spawnWorker(harness: ApiHarness, env: NodeJS.ProcessEnv): WorkerProcess {
  let output = '';
  const child: ChildProcess = spawn(process.execPath, [WORKER_MAIN], {
    env: {
      PATH: process.env['PATH'],
      NODE_ENV: 'test',
      DATABASE_URL: harness.config.DATABASE_URL,
      REDIS_URL: harness.config.REDIS_URL,
      REDIS_PREFIX: harness.config.REDIS_PREFIX,
      ENCRYPTION_KEY: harness.config.ENCRYPTION_KEY,
      DATA_DIR: mkdtempSync(join(tmpdir(), 'gw-outbox-worker-')),
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  return {
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

describe('no usage event lost when Redis loses its data, and the mirror reconciled', () => {
  let redis: RedisProcess;
  let mock: MockUpstream;
  let harness: ApiHarness;
  let api: ApiProcess;
  let worker: WorkerProcess | undefined;
  let client: Redis;

  beforeAll(async () => {
    redis = await startRedisServer();
    mock = await startMockUpstream();
    harness = await startApi('usage_outbox', { REDIS_URL: redis.url });
    // Confirmation rounds every half second, so the test need not wait the default 5 s.
    api = await spawnApi(harness, { USAGE_OUTBOX_CONFIRM_MS: '500', REDIS_COMMAND_TIMEOUT_MS: '500' });
    client = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    client.on('error', () => undefined);
  });

  afterAll(async () => {
    client?.disconnect();
    await worker?.stop();
    await api?.stop();
    await harness?.close();
    await mock?.close();
    await redis?.stop();
  });

  it('stores each answered request exactly once, and the mirror ends equal to PostgreSQL', async () => {
    const admin = await harness.adminToken();
    await createChannel(harness, admin, {
      name: 'outbox',
      baseUrl: mock.baseUrl,
      models: ['m-outbox'],
      keys: ['sk-mock-outbox'],
    });
    await request(harness.url)
      .put('/api/models/m-outbox/price')
      .set('authorization', `Bearer ${admin}`)
      .send({ inputPer1M: '1000', cachedInputPer1M: '1000', outputPer1M: '2000' })
      .expect(200);
    // A quota gives the token a live mirror of its spend, which the reconcile must repair too.
    const { tenantId, tokenId, key } = await seedTenantWithToken(harness, admin, { quotaUsd: '1000' });
    await fund(harness, tenantId, '100');
    const sdk = new OpenAI({ apiKey: key, baseURL: `${api.url}/v1`, maxRetries: 0, timeout: 30_000 });
    const answered: string[] = [];
    const ask = async () => {
      const { response } = await sdk.chat.completions
        .create({ model: 'm-outbox', max_tokens: 16, messages: [{ role: 'user', content: 'count me' }] })
        .withResponse();
      answered.push(response.headers.get('x-request-id') as string);
    };

    // Settled (the mirror debited, the events in the stream), but no worker has stored them.
    for (let i = 0; i < BEFORE_LOSS; i++) await ask();
    // The settlement follows the answer: wait for the last event to be in the stream.
    await waitFor('the events in the stream', async () =>
      (await client.xlen(`${harness.config.REDIS_PREFIX}:usage:events`)) >= BEFORE_LOSS ? true : undefined,
    );
    // kill -9 and a fresh redis-server without persistence: the stream and the mirror are gone.
    await redis.restart(200);
    // The next requests rebuild the mirror from PostgreSQL, which has none of those debits yet.
    await waitFor('a request answered after the restart', async () =>
      ask().then(
        () => true,
        () => undefined,
      ),
    );
    await ask();

    worker = spawnWorker(harness, { BILLING_MIRROR_RECONCILE_MS: '1000' });
    const db = harness.app.get(DataSource);
    let stored: { request_id: string; n: number }[] = [];
    await waitFor(
      'every answered request’s usage record',
      async () => {
        stored = await db.query(
          'SELECT request_id, count(*)::int AS n FROM usage_records WHERE tenant_id = $1 GROUP BY request_id',
          [tenantId],
        );
        const ids = new Set(stored.map((row) => row.request_id));
        return answered.every((id) => ids.has(id)) ? true : undefined;
      },
      30_000,
    ).catch(() => undefined);
    // A request refused while Redis came back (503) has a record too; an answered one must.
    const ids = new Set(stored.map((row) => row.request_id));
    const lost = answered.filter((id) => !ids.has(id));
    if (lost.length > 0) console.log(`api:\n${api.output()}\nworker:\n${worker.output()}`);
    expect({ answered: answered.length, lost }).toEqual({ answered: BEFORE_LOSS + 2, lost: [] });
    expect(stored.filter((row) => row.n !== 1)).toEqual([]);
    // Exactly the lost events were sent again, each once; and the api forgets them once stored.
    const outbox = async () => {
      const text = await (await fetch(`${api.url}/metrics`)).text();
      const value = (name: string) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1] ?? -1);
      return {
        resent: value('gateway_usage_outbox_resent_total'),
        dropped: value('gateway_usage_outbox_dropped_total'),
        kept: value('gateway_usage_outbox_events'),
      };
    };
    let figures = await outbox();
    await waitFor('the api to forget the stored events', async () => {
      figures = await outbox();
      return figures.kept === 0 ? true : undefined;
    }).catch(() => undefined);
    expect(figures).toEqual({ resent: BEFORE_LOSS, dropped: 0, kept: 0 });

    // The books in PostgreSQL agree, and the mirror comes to equal them.
    const mismatches = await request(harness.url)
      .get('/api/usage/reconciliation')
      .set('authorization', `Bearer ${admin}`)
      .expect(200);
    expect(mismatches.body.mismatches).toEqual([]);
    const [ledger] = (await db.query(
      'SELECT debits_nano::text AS debits, balance_nano::text AS balance FROM tenant_balances WHERE tenant_id = $1',
      [tenantId],
    )) as { debits: string; balance: string }[];
    const [token] = (await db.query(
      'SELECT used_nano::text AS used, quota_epoch AS epoch FROM tokens WHERE id = $1',
      [tokenId],
    )) as { used: string; epoch: number }[];
    const prefix = harness.config.REDIS_PREFIX;
    expect(BigInt(ledger!.debits)).toBeGreaterThan(0n);
    let mirror: Record<string, string | null> = {};
    await waitFor(
      'the scheduled reconcile to bring the mirror to the ledger',
      async () => {
        const [[credits, debits], used] = await Promise.all([
          client.hmget(`${prefix}:funds:${tenantId}`, 'credits', 'debits'),
          client.hget(`${prefix}:tq:${tokenId}:${token!.epoch}`, 'used'),
        ]);
        // The mirror keeps no balance of its own: it is credits − debits.
        const balance = credits === null ? null : (BigInt(credits) - BigInt(debits ?? '0')).toString();
        mirror = { debits: debits ?? null, balance, used };
        return debits === ledger!.debits && balance === ledger!.balance && used === token!.used
          ? true
          : undefined;
      },
      20_000,
    ).catch(() => undefined);
    expect(mirror).toEqual({ debits: ledger!.debits, balance: ledger!.balance, used: token!.used });
  });
});
