// An api stopped while Redis is down loses no metered request: a stream served and billed after its
// Redis went away leaves its usage event in the api's memory (the settlement script, and every XADD
// since, failed); on SIGTERM the api stores it in PostgreSQL itself, the worker's way, so the record
// and the ledger's debit are there though no worker ever saw the event (docs/design.md, "The usage
// outbox"). When PostgreSQL is gone too, the events are logged in full for replay and the api exits
// non-zero, saying so in its last line, so that whoever stopped it notices.
import { createServer, connect, type Server, type Socket } from 'node:net';
import { startMockUpstream, type MockUpstream } from '@gateway/mock-upstream';
import OpenAI from 'openai';
import { DataSource } from 'typeorm';
import { startApi, type ApiHarness } from '../api-harness';
import { startRedisServer, type RedisProcess } from '../drills/drill-processes';
import { fund, seedSlowStream, seedTenantWithToken } from '../relay/relay-fixture';
import { freePort, startApiProcess, whenReady, type ApiProcess } from './api-process';

// 12 chunks 150 ms apart: Redis is stopped after the first one, the stream goes on without it.
const SLOW_KEY = 'sk-mock-slow;chunks=12;chunkDelay=150;tokens=12';

describe('an api stopped while Redis is down', () => {
  let api: ApiHarness;
  let mock: MockUpstream;
  let redis: RedisProcess;
  let proc: ApiProcess | undefined;
  let admin: string;

  /** A stream served while its Redis goes away; returns the tokens it billed. */
  const streamThroughOutage = async (key: string, port: number, stopRedis: () => Promise<void>) => {
    const client = new OpenAI({
      apiKey: key,
      baseURL: `http://127.0.0.1:${port}/v1`,
      maxRetries: 0,
      timeout: 30_000,
    });
    const stream = await client.chat.completions.create({
      model: 'm-slow',
      messages: [{ role: 'user', content: 'tell me something long' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let usage: OpenAI.CompletionUsage | undefined;
    let redisStopped: Promise<void> | undefined;
    for await (const chunk of stream) {
      redisStopped ??= stopRedis();
      if (chunk.usage) usage = chunk.usage;
    }
    await redisStopped;
    return usage;
  };

  beforeAll(async () => {
    mock = await startMockUpstream();
    api = await startApi('redis_outage_stop');
    redis = await startRedisServer();
  });

  afterAll(async () => {
    if (proc && proc.child.exitCode === null) proc.child.kill('SIGKILL');
    await redis?.stop();
    await api?.close();
    await mock?.close();
  });

  it('stores the usage record and the debit of a stream served during the outage in PostgreSQL on SIGTERM', async () => {
    admin = await api.adminToken();
    const { key, tenantId } = await seedSlowStream(
      api,
      admin,
      { baseUrl: mock.baseUrl, key: SLOW_KEY },
      '10',
    );

    // The api on a Redis of its own, which the test can take away (never the shared one).
    proc = startApiProcess(api, await freePort(), { REDIS_URL: redis.url, SHUTDOWN_GRACE_MS: '20000' });
    await whenReady(proc);
    const usage = await streamThroughOutage(key, proc.port, () => redis.stop());
    expect(usage?.completion_tokens).toBeGreaterThan(0);

    proc.child.kill('SIGTERM');
    expect(await proc.exited).toBe(0);

    const db = api.app.get(DataSource);
    const records = (await db.query(
      `SELECT prompt_tokens, completion_tokens, cost_nano::text AS cost, stream, status
         FROM usage_records WHERE tenant_id = $1`,
      [tenantId],
    )) as {
      prompt_tokens: number;
      completion_tokens: number;
      cost: string;
      stream: boolean;
      status: number;
    }[];
    // $1 and $2 per million tokens: 1,000 and 2,000 nano-dollars a token.
    const cost = String(usage!.prompt_tokens * 1_000 + usage!.completion_tokens * 2_000);
    expect(records).toEqual([
      {
        prompt_tokens: usage!.prompt_tokens,
        completion_tokens: usage!.completion_tokens,
        cost,
        stream: true,
        status: 200,
      },
    ]);
    const usageLines = (await db.query(
      "SELECT amount_nano::text AS amount FROM ledger_entries WHERE tenant_id = $1 AND kind = 'usage'",
      [tenantId],
    )) as { amount: string }[];
    expect(usageLines).toEqual([{ amount: `-${cost}` }]);
    expect(proc.output()).toContain('stored them in PostgreSQL directly (1 new records)');
  });

  it('exits non-zero, saying so last, when neither Redis nor PostgreSQL took an event it logged for replay', async () => {
    const { key, tenantId } = await seedTenantWithToken(api, admin);
    await fund(api, tenantId, '10');
    const ownRedis = await startRedisServer();
    // PostgreSQL through a proxy the test can cut: every connection closed, none accepted.
    const database = new URL(api.config.DATABASE_URL);
    const sockets = new Set<Socket>();
    const proxy: Server = createServer((client) => {
      const server = connect(Number(database.port || 5432), database.hostname);
      for (const socket of [client, server]) {
        sockets.add(socket);
        socket.on('error', () => undefined);
        socket.on('close', () => sockets.delete(socket));
      }
      client.pipe(server).pipe(client);
    });
    await new Promise<void>((done) => proxy.listen(0, '127.0.0.1', done));
    const proxied = new URL(api.config.DATABASE_URL);
    proxied.hostname = '127.0.0.1';
    proxied.port = String((proxy.address() as { port: number }).port);
    const cutPostgres = async () => {
      const closed = new Promise<void>((done) => proxy.close(() => done()));
      for (const socket of sockets) socket.destroy();
      await closed;
    };
    try {
      proc = startApiProcess(api, await freePort(), {
        REDIS_URL: ownRedis.url,
        DATABASE_URL: proxied.toString(),
        SHUTDOWN_GRACE_MS: '3000',
      });
      await whenReady(proc);
      const usage = await streamThroughOutage(key, proc.port, async () => {
        await ownRedis.stop();
        await cutPostgres();
      });
      expect(usage?.completion_tokens).toBeGreaterThan(0);

      proc.child.kill('SIGTERM');
      expect(await proc.exited).not.toBe(0);
      const lines = proc
        .output()
        .split('\n')
        .filter((line) => line.trim() !== '');
      expect(proc.output()).toContain('replay it into the usage stream');
      expect(lines.at(-1)).toMatch(/1 usage event.* left in (its|the) log for replay/);
      // Nothing of it reached PostgreSQL: the replay is the only copy.
      const db = api.app.get(DataSource);
      expect(await db.query('SELECT 1 FROM usage_records WHERE tenant_id = $1', [tenantId])).toEqual([]);
    } finally {
      if (proc?.child.exitCode === null) proc.child.kill('SIGKILL');
      await ownRedis.stop();
      if (proxy.listening) await cutPostgres();
    }
  });
});
