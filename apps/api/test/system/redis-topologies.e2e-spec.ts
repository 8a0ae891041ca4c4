// Redis beyond one node (README "Redis beyond one node"). On a local three-master Redis Cluster:
// api and worker run as one real process (SINGLE_PROCESS, from dist/) beside the in-test api that
// sets things up; requests relayed through the SDK (stream and not) hold, settle and record
// usage through the cluster, the worker's BullMQ probes run, and the books reconcile. Behind a
// local Sentinel: the relay finds the master through it and records usage the same way.
import { BalanceMirror, TokenMirrorSweep } from '@gateway/billing';
import { startMockUpstream, type MockUpstream } from '@gateway/mock-upstream';
import {
  countSocketWrites,
  startRedisCluster,
  startRedisWithSentinel,
  waitFor,
  type LocalRedisTopology,
} from '@gateway/testing';
import type { UsageIngestor } from '@gateway/usage';
import { QueueName, REDIS } from '@gateway/redis';
import { Queue } from 'bullmq';
import { Cluster } from 'ioredis';
import OpenAI from 'openai';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { startApi, type ApiHarness } from '../api-harness';
import {
  createChannel,
  fund,
  seedTenantWithToken,
  startIngestor,
  usageRecordsStored,
} from '../relay/relay-fixture';
import { freePort, startApiProcess, whenReady, type ApiProcess } from './api-process';

async function relayBoth(client: OpenAI, model: string): Promise<void> {
  const answer = await client.chat.completions.create({
    model,
    messages: [{ role: 'user', content: 'hello' }],
  });
  expect(answer.usage?.total_tokens).toBeGreaterThan(0);
  const stream = await client.chat.completions.create({
    model,
    messages: [{ role: 'user', content: 'hello again' }],
    stream: true,
    stream_options: { include_usage: true },
  });
  let usage = false;
  for await (const chunk of stream) if (chunk.usage) usage = true;
  expect(usage).toBe(true);
}

async function booksBalance(api: ApiHarness, admin: string, tenantId: string): Promise<void> {
  await waitFor('every hold settled', async () =>
    (await api.app.get(BalanceMirror).snapshot(tenantId))?.held === 0n ? true : undefined,
  );
  const reconciliation = await request(api.url)
    .get('/api/usage/reconciliation')
    .set('authorization', `Bearer ${admin}`)
    .expect(200);
  expect(reconciliation.body).toMatchObject({ mismatches: [] });
}

describe('Redis Cluster', () => {
  let cluster: LocalRedisTopology;
  let api: ApiHarness;
  let mock: MockUpstream;
  let proc: ApiProcess | undefined;

  beforeAll(async () => {
    [cluster, mock] = await Promise.all([startRedisCluster(), startMockUpstream()]);
    api = await startApi('redis_cluster', { REDIS_URL: cluster.url, REDIS_CLUSTER: 'true' });
  });

  afterAll(async () => {
    if (proc && proc.child.exitCode === null) proc.child.kill('SIGKILL');
    await api?.close();
    await mock?.close();
    await cluster?.stop();
  });

  it('relays, settles, records usage and runs the worker jobs on a three-master cluster', async () => {
    // Every key of the deployment carries one hash tag, so each script stays in one slot.
    expect(api.config.REDIS_PREFIX).toMatch(/^\{.+\}$/);
    const admin = await api.adminToken();
    await createChannel(api, admin, {
      name: 'on-cluster',
      baseUrl: mock.baseUrl,
      models: ['m-cluster'],
      keys: ['sk-mock-cluster'],
    });
    await request(api.url)
      .put('/api/models/m-cluster/price')
      .set('authorization', `Bearer ${admin}`)
      .send({ inputPer1M: '1', outputPer1M: '2' })
      .expect(200);
    const { key, tenantId } = await seedTenantWithToken(api, admin);
    await fund(api, tenantId, '10');

    proc = startApiProcess(api, await freePort(), { SINGLE_PROCESS: 'true', REDIS_CLUSTER: 'true' });
    await whenReady(proc);
    const client = new OpenAI({ apiKey: key, baseURL: `http://127.0.0.1:${proc.port}/v1`, maxRetries: 0 });
    await relayBoth(client, 'm-cluster');

    // The in-process worker read the usage stream (consumer group on the cluster) ...
    await usageRecordsStored(api, tenantId, 2);
    // ... and ran BullMQ jobs on it: the channels queue's repeatable sweep completes.
    const connection = new Cluster([{ host: '127.0.0.1', port: cluster.ports[1]! }]);
    const queue = new Queue(QueueName.Channels, {
      connection,
      prefix: `${api.config.REDIS_PREFIX}:bull`,
    });
    try {
      await waitFor(
        'a completed job on the channels queue',
        async () => ((await queue.getJobCounts('completed')).completed! > 0 ? true : undefined),
        30_000,
        250,
      ).catch((error: Error) => {
        throw new Error(`${error.message}\n${proc?.output().slice(-4000)}`);
      });
    } finally {
      await queue.close();
      await connection.quit();
    }
    await booksBalance(api, admin, tenantId);

    // The shared client's commands to each node leave a tick's worth in one write (write-batching.ts).
    const redis = api.app.get(REDIS);
    for (const node of (redis as unknown as Cluster).nodes('master')) {
      await node.ping();
      const writes = countSocketWrites(node.stream);
      await Promise.all([node.ping(), node.ping(), node.ping()]);
      expect(writes()).toBe(1);
    }

    // The sweep of token mirrors left behind SCANs the master that holds the deployment's slot.
    const leftBehind = `${api.config.REDIS_PREFIX}:tq:00000000-0000-4000-8000-00000000c1a5:0`;
    await redis.hset(leftBehind, 'used', '0', 'held', '0');
    const swept = await new TokenMirrorSweep(redis, api.config, api.app.get(DataSource)).run();
    expect(swept.deleted).toBeGreaterThanOrEqual(1);
    expect(await redis.exists(leftBehind)).toBe(0);

    proc.child.kill('SIGTERM');
    expect(await proc.exited).toBe(0);
  }, 180_000);
});

describe('Redis behind Sentinel', () => {
  let sentinel: LocalRedisTopology;
  let api: ApiHarness;
  let mock: MockUpstream;
  let ingestor: UsageIngestor | undefined;

  beforeAll(async () => {
    [sentinel, mock] = await Promise.all([startRedisWithSentinel(), startMockUpstream()]);
    // REDIS_URL names no reachable server: the master is found through the sentinel.
    api = await startApi('redis_sentinel', {
      REDIS_URL: 'redis://127.0.0.1:1',
      REDIS_SENTINELS: sentinel.sentinels!,
      REDIS_SENTINEL_NAME: 'mymaster',
    });
  });

  afterAll(async () => {
    await ingestor?.stop();
    await api?.close();
    await mock?.close();
    await sentinel?.stop();
  });

  it('finds the master through the sentinel, relays and records usage', async () => {
    const admin = await api.adminToken();
    await createChannel(api, admin, {
      name: 'on-sentinel',
      baseUrl: mock.baseUrl,
      models: ['m-sentinel'],
      keys: ['sk-mock-sentinel'],
    });
    await request(api.url)
      .put('/api/models/m-sentinel/price')
      .set('authorization', `Bearer ${admin}`)
      .send({ inputPer1M: '1', outputPer1M: '2' })
      .expect(200);
    const { key, tenantId } = await seedTenantWithToken(api, admin);
    await fund(api, tenantId, '10');
    ingestor = startIngestor(api);
    const client = new OpenAI({ apiKey: key, baseURL: `${api.url}/v1`, maxRetries: 0 });
    await relayBoth(client, 'm-sentinel');
    await usageRecordsStored(api, tenantId, 2);
    await booksBalance(api, admin, tenantId);
  }, 120_000);
});
