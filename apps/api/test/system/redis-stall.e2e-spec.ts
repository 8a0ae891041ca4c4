// A Redis that stalls (issue #14 item 5): against a redis-server of this suite's own, paused with
// SIGSTOP, /v1 answers 503 store_unavailable within the command timeout instead of hanging (holds
// and limits fail closed), serves again once Redis is back, and a request whose answer was
// delivered while Redis was paused is still recorded with its usage and cost, never as free.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { usdToNano } from '@gateway/db';
import { startMockUpstream, type MockUpstream } from '@gateway/mock-upstream';
import { waitFor } from '@gateway/testing';
import type { UsageIngestor } from '@gateway/usage';
import Redis from 'ioredis';
import type OpenAI from 'openai';
import request from 'supertest';
import { startApi, type ApiHarness } from '../api-harness';
import {
  createChannel,
  fund,
  sdk,
  sdkError,
  seedTenantWithToken,
  startIngestor,
  usageRecord,
} from '../relay/relay-fixture';

const COMMAND_TIMEOUT_MS = 300;

async function freePort(): Promise<number> {
  return new Promise((resolvePort) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

/** A redis-server without persistence on a free port, stopped when the suite ends. */
async function startRedis(): Promise<{ url: string; child: ChildProcess; stop(): Promise<void> }> {
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const url = `redis://127.0.0.1:${port}`;
  await waitFor('the suite’s redis-server to answer', async () => {
    const client = new Redis(url, { maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true });
    client.on('error', () => undefined);
    try {
      return (await client.ping()) === 'PONG' ? true : undefined;
    } catch {
      return undefined;
    } finally {
      client.disconnect();
    }
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url,
    child,
    stop: async () => {
      child.kill('SIGCONT');
      child.kill('SIGTERM');
      await exited;
    },
  };
}

describe('/v1 while Redis stalls', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let api: ApiHarness;
  let mock: MockUpstream;
  let ingestor: UsageIngestor;
  let admin: string;
  let client: OpenAI;

  const pause = () => redis.child.kill('SIGSTOP');
  const resume = () => redis.child.kill('SIGCONT');

  beforeAll(async () => {
    redis = await startRedis();
    mock = await startMockUpstream();
    api = await startApi('redis_stall', {
      REDIS_URL: redis.url,
      REDIS_COMMAND_TIMEOUT_MS: String(COMMAND_TIMEOUT_MS),
    });
    ingestor = startIngestor(api);
    admin = await api.adminToken();
    const seeded = await seedTenantWithToken(api, admin);
    await fund(api, seeded.tenantId, '10');
    await request(api.url)
      .put('/api/models/m-stall/price')
      .set('authorization', `Bearer ${admin}`)
      .send({ inputPer1M: '1', cachedInputPer1M: '1', outputPer1M: '2' })
      .expect(200);
    await createChannel(api, admin, {
      name: 'slow',
      baseUrl: mock.baseUrl,
      models: ['m-stall'],
      keys: ['sk-mock-stall;chunks=8;chunkDelay=150;tokens=8'],
    });
    client = sdk(api, seeded.key, { timeout: 20_000 });
  });

  afterAll(async () => {
    if (redis) resume();
    await ingestor?.stop();
    await api?.close();
    await mock?.close();
    await redis?.stop();
  });

  const ask = () =>
    client.chat.completions.create({
      model: 'm-stall',
      max_tokens: 8,
      messages: [{ role: 'user', content: 'hi' }],
    });

  it('answers 503 store_unavailable within the command timeout, and serves again once Redis is back', async () => {
    await ask();
    pause();
    try {
      const started = Date.now();
      const error = await sdkError(ask());
      const waited = Date.now() - started;
      expect(error.status).toBe(503);
      expect(error.code).toBe('store_unavailable');
      expect(error.headers?.get('retry-after')).toBe('1');
      // A few commands in a row may each wait out the timeout, never the whole pause.
      expect(waited).toBeLessThan(COMMAND_TIMEOUT_MS * 10);
    } finally {
      resume();
    }
    const answer = await ask();
    expect(answer.choices[0]?.message.content).toBeTruthy();
  });

  it('records an answer delivered while Redis was paused with its usage and cost', async () => {
    const { data: stream, response } = await client.chat.completions
      .create({
        model: 'm-stall',
        max_tokens: 8,
        stream: true,
        stream_options: { include_usage: true },
        messages: [{ role: 'user', content: 'hi' }],
      })
      .withResponse();
    const requestId = response.headers.get('x-request-id') as string;
    let text = '';
    let paused = false;
    try {
      for await (const chunk of stream) {
        if (!paused) {
          // Admitted and streaming: Redis goes away before the request is settled.
          pause();
          paused = true;
        }
        text += chunk.choices[0]?.delta.content ?? '';
      }
      // Past the settlement's timeouts, then Redis comes back and the held-back record goes out.
      await new Promise((resolve) => setTimeout(resolve, COMMAND_TIMEOUT_MS * 6));
    } finally {
      resume();
    }
    expect(text).not.toBe('');
    const record = await usageRecord(api, admin, requestId, 30_000);
    expect(record).toMatchObject({ status: 200, completionTokens: 8, usageSource: 'upstream' });
    expect(usdToNano(record.costUsd)).toBeGreaterThan(0n);
  });
});
