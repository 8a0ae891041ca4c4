// The usage pipeline against the real Redis and PostgreSQL: recorder → stream → ingestor → rows,
// exactly once per request id however entries are redelivered, reclaimed or raced over.
import { randomUUID } from 'node:crypto';
import { AddressInfo, createServer, Server, Socket, connect } from 'node:net';
import { dataSourceOptions, runPendingMigrations } from '@gateway/db';
import { redisOptionsFromUrl } from '@gateway/redis';
import { createTestDatabase, createTestRedis, TestDatabase, TestRedis, waitFor } from '@gateway/testing';
import Redis from 'ioredis';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { UsageRecord } from './entities/usage-record.entity';
import { BILLING_ENTITIES } from '@gateway/billing';
import { TOKENS_ENTITIES } from '@gateway/tokens';
import { insertUsageRecords } from './ingest/insert-usage-records';
import { storeUsageBatch } from './ingest/store-usage-batch';
import { IngestRound, UsageIngestor, UsageIngestorOptions } from './ingest/usage-ingestor';
import { StoredUsageLookup } from './recorder/stored-usage-lookup';
import { UsageDirectStore } from './recorder/usage-direct-store';
import { UsageRecorder, UsageRecorderOptions } from './recorder/usage-recorder';
import type { UsageEvent } from './usage-event';
import { USAGE_ENTITIES } from './usage.entities';
import { USAGE_CONSUMER_GROUP, USAGE_EVENT_FIELD, usageDeadStreamKey, usageStreamKey } from './usage-stream';

const TENANT = '11111111-1111-4111-8111-111111111111';
const TOKEN = '22222222-2222-4222-8222-222222222222';

function usageEvent(requestId: string, overrides: Partial<UsageEvent> = {}): UsageEvent {
  return {
    requestId,
    startedAt: '2025-03-01T10:00:00.000Z',
    tenantId: TENANT,
    tokenId: TOKEN,
    endpoint: 'chat.completions',
    model: 'gpt-4o-mini',
    stream: false,
    channelId: null,
    channelKeyId: null,
    upstreamModel: null,
    promptTokens: 10,
    cachedTokens: 2,
    cacheWriteTokens: 1,
    completionTokens: 5,
    reasoningTokens: 0,
    usageSource: 'upstream',
    costNano: '1000',
    coveredNano: '0',
    planPeriodStart: null,
    latencyMs: 100,
    ttftMs: null,
    status: 200,
    errorCode: null,
    errorMessage: null,
    fallbacks: [],
    clientIp: null,
    ...overrides,
  };
}

/** Ingestion writes usage records, ledger debits and tokens' used quota in one transaction. */
const PIPELINE_ENTITIES = [...USAGE_ENTITIES, ...BILLING_ENTITIES, ...TOKENS_ENTITIES];

describe('usage pipeline', () => {
  let db: TestDatabase;
  let redis: TestRedis;
  let dataSource: DataSource;
  let client: Redis;
  let config: { REDIS_PREFIX: string };
  let stream: string;
  const ingestors: UsageIngestor[] = [];
  const clients: Redis[] = [];

  const ingestor = (options: Partial<UsageIngestorOptions> = {}) => {
    const made = new UsageIngestor(client, dataSource, config, { claimEveryMs: 0, ...options });
    ingestors.push(made);
    return made;
  };
  const recorder = (options: Partial<UsageRecorderOptions> = {}, via: Redis = client) =>
    new UsageRecorder(
      via,
      config,
      new StoredUsageLookup(dataSource),
      options,
      new UsageDirectStore(dataSource),
    );
  const rows = () => dataSource.getRepository(UsageRecord).count();
  const pending = async () => ((await client.xpending(stream, USAGE_CONSUMER_GROUP)) as [number])[0];
  /** Rounds until one finds nothing more to do. */
  const drain = async (target: UsageIngestor): Promise<IngestRound[]> => {
    const rounds: IngestRound[] = [];
    for (;;) {
      const round = await target.ingestOnce();
      if (round.read === 0 && round.claimed === 0) return rounds;
      rounds.push(round);
    }
  };

  beforeAll(async () => {
    db = await createTestDatabase('usage-pipeline');
    redis = createTestRedis('usage-pipeline');
    dataSource = await new DataSource(
      dataSourceOptions({ url: db.url, entities: PIPELINE_ENTITIES, poolSize: 4 }),
    ).initialize();
    await runPendingMigrations(dataSource);
    client = new Redis(redis.url);
    clients.push(client);
    config = { REDIS_PREFIX: redis.prefix };
    stream = usageStreamKey(redis.prefix);
  });
  beforeEach(async () => {
    await dataSource.query('TRUNCATE usage_records');
    await client.del(stream, usageDeadStreamKey(redis.prefix));
  });
  afterEach(async () => {
    await Promise.all(ingestors.splice(0).map((i) => i.stop()));
  });
  afterAll(async () => {
    await dataSource.destroy();
    await redis.cleanup();
    for (const c of clients) c.disconnect();
    await db.drop();
  });

  it('carries events from the recorder through the stream into usage_records, then empties the stream', async () => {
    const rec = recorder();
    const fallbacks = [
      { channelId: 'c0', channelName: 'backup', keyId: 'k0', status: 503, code: 'server_error' },
    ];
    rec.record(usageEvent('req-a', { costNano: '9007199254740993', fallbacks, stream: true, ttftMs: 40 }));
    rec.record(usageEvent('req-b', { status: 502, errorCode: 'upstream_error', errorMessage: 'all failed' }));
    rec.record(usageEvent('req-c'));
    await rec.flush();
    expect(await client.xlen(stream)).toBe(3);

    const rounds = await drain(ingestor());
    expect(rounds.reduce((sum, r) => sum + r.inserted, 0)).toBe(3);
    const stored = await dataSource.getRepository(UsageRecord).find({ order: { requestId: 'ASC' } });
    expect(stored.map((r) => r.requestId)).toEqual(['req-a', 'req-b', 'req-c']);
    // Beyond 2^53: the cost survives JSON and the bigint column exactly.
    expect(stored[0]).toMatchObject({ costNano: 9007199254740993n, fallbacks, stream: true, ttftMs: 40 });
    expect(stored[1]).toMatchObject({ status: 502, errorCode: 'upstream_error', errorMessage: 'all failed' });
    expect(stored[2]!.startedAt.toISOString()).toBe('2025-03-01T10:00:00.000Z');
    expect(await client.xlen(stream)).toBe(0);
    expect(await pending()).toBe(0);
  });

  it('stores one row for a request id recorded twice, in one batch or in two', async () => {
    const rec = recorder();
    const target = ingestor();
    rec.record(usageEvent('req-dup', { costNano: '111' }));
    rec.record(usageEvent('req-dup', { costNano: '222' }));
    await rec.flush();
    const first = await target.ingestOnce();
    expect(first).toMatchObject({ read: 2, inserted: 1, duplicates: 1 });

    rec.record(usageEvent('req-dup', { costNano: '333' }));
    await rec.flush();
    expect(await target.ingestOnce()).toMatchObject({ read: 1, inserted: 0, duplicates: 1 });
    const stored = await dataSource.getRepository(UsageRecord).find();
    expect(stored).toHaveLength(1);
    expect(stored[0]!.costNano).toBe(111n);
  });

  it('lets another consumer take over, exactly once, what a dead consumer read and never acknowledged', async () => {
    const [b, c] = [ingestor({ claimIdleMs: 300 }), ingestor({ claimIdleMs: 300 })];
    expect(await b.ingestOnce()).toMatchObject({ read: 0 }); // creates the group, finds nothing
    const rec = recorder();
    for (let i = 0; i < 5; i++) rec.record(usageEvent(`orphan-${i}`));
    await rec.flush();

    // The dead consumer: reads the entries, then never acknowledges them.
    const taken = await client.call(
      'XREADGROUP',
      'GROUP',
      USAGE_CONSUMER_GROUP,
      'dead-worker',
      'COUNT',
      10,
      'STREAMS',
      stream,
      '>',
    );
    expect((taken as [string, unknown[]][])[0]![1]).toHaveLength(5);
    expect(await pending()).toBe(5);

    // Not idle long enough yet: nobody touches them.
    expect(await b.ingestOnce()).toMatchObject({ read: 0, claimed: 0 });
    await new Promise((resolve) => setTimeout(resolve, 350));

    // Both survivors try at once; XAUTOCLAIM hands each entry to one of them.
    const [rb, rc] = await Promise.all([b.ingestOnce(), c.ingestOnce()]);
    expect(rb.claimed + rc.claimed).toBe(5);
    expect(rb.inserted + rc.inserted).toBe(5);
    expect(await rows()).toBe(5);
    expect(await pending()).toBe(0);
    expect(await client.xlen(stream)).toBe(0);
  });

  it('stores exactly 1000 rows when two ingestors race over 1000 events (and 100 repeats)', async () => {
    const rec = recorder();
    for (let i = 0; i < 1000; i++) rec.record(usageEvent(`race-${i}`, { costNano: String(i) }));
    // A repeat is the same event sent again (the outbox's resend), so it carries the same cost: which
    // copy two racing ingestors store first is theirs to decide, but each request is charged once.
    for (let i = 0; i < 100; i++) rec.record(usageEvent(`race-${i * 10}`, { costNano: String(i * 10) }));
    await rec.flush();
    expect(await client.xlen(stream)).toBe(1100);

    // Idle 0 makes each steal the other's in-flight entries: both insert the same events.
    const racers = [0, 1].map(() => ingestor({ claimIdleMs: 0, batchSize: 100, blockMs: 200 }));
    racers.forEach((r) => r.start());
    await waitFor('the stream to drain', async () =>
      (await client.xlen(stream)) === 0 && (await pending()) === 0 ? true : undefined,
    );
    const started = Date.now();
    await Promise.all(racers.map((r) => r.stop()));
    expect(Date.now() - started).toBeLessThan(1_000);

    const [{ count, distinct, cost }] = await dataSource.query(
      `SELECT count(*)::int AS count, count(DISTINCT request_id)::int AS distinct,
              sum(cost_nano)::text AS cost FROM usage_records`,
    );
    expect({ count, distinct }).toEqual({ count: 1000, distinct: 1000 });
    // Every request charged once: costs 0..999, the 100 repeats adding nothing.
    expect(cost).toBe(String((999 * 1000) / 2));
  });

  it('never inserts a request twice when two connections insert the same batch at once', async () => {
    const second = await new DataSource(
      dataSourceOptions({ url: db.url, entities: PIPELINE_ENTITIES, poolSize: 1 }),
    ).initialize();
    try {
      const events = Array.from({ length: 500 }, (_, i) => usageEvent(`both-${i}`));
      const [a, b] = await Promise.all([
        insertUsageRecords(dataSource, events),
        insertUsageRecords(second, events),
      ]);
      expect(a.length + b.length).toBe(500);
      expect(await rows()).toBe(500);
    } finally {
      await second.destroy();
    }
  });

  it('moves malformed entries to the dead stream with a reason, and still stores the others', async () => {
    const good = (id: string) => JSON.stringify(usageEvent(id));
    await client.xadd(stream, '*', USAGE_EVENT_FIELD, good('fine-1'));
    await client.xadd(stream, '*', USAGE_EVENT_FIELD, '{"requestId": ');
    await client.xadd(
      stream,
      '*',
      USAGE_EVENT_FIELD,
      JSON.stringify({ ...usageEvent('bad-tenant'), tenantId: 'x' }),
    );
    await client.xadd(stream, '*', 'something', 'else');
    await client.xadd(stream, '*', USAGE_EVENT_FIELD, good('fine-2'));

    const round = await ingestor().ingestOnce();
    expect(round).toMatchObject({ read: 5, inserted: 2, dead: 3 });
    const stored = await dataSource.getRepository(UsageRecord).find({ order: { requestId: 'ASC' } });
    expect(stored.map((r) => r.requestId)).toEqual(['fine-1', 'fine-2']);
    expect(await client.xlen(stream)).toBe(0);
    expect(await pending()).toBe(0);

    const dead = (await client.xrange(usageDeadStreamKey(redis.prefix), '-', '+')).map(([, fields]) => {
      const map = new Map<string, string>();
      for (let i = 0; i < fields.length; i += 2) map.set(fields[i]!, fields[i + 1]!);
      return map;
    });
    expect(dead.map((d) => d.get('reason'))).toEqual([
      'not JSON',
      'tenantId must be a UUID',
      `no "${USAGE_EVENT_FIELD}" field`,
    ]);
    expect(dead[0]!.get(USAGE_EVENT_FIELD)).toBe('{"requestId": ');
  });

  it('keeps events in memory while Redis is unreachable and delivers them once it is back', async () => {
    const { proxy, via, close } = await proxiedRedis(redis.url);
    try {
      const rec = recorder({ maxEvents: 3, retryMinMs: 20, retryMaxMs: 100 }, via);
      await proxy.stop();
      for (let i = 0; i < 5; i++) rec.record(usageEvent(`offline-${i}`));
      let flushed = false;
      const flushing = rec.flush().then(() => (flushed = true));
      await new Promise((resolve) => setTimeout(resolve, 300));
      // Bounded: the three newest kept, the two oldest dropped (and counted); nothing reached Redis yet.
      expect(rec.stats()).toEqual({ queued: 3, kept: 3, dropped: 2 });
      expect(flushed).toBe(false);
      expect(await client.xlen(stream)).toBe(0);

      await proxy.start();
      await flushing;
      expect(rec.stats()).toEqual({ queued: 0, kept: 3, dropped: 2 });
      await drain(ingestor());
      const stored = await dataSource.getRepository(UsageRecord).find({ order: { requestId: 'ASC' } });
      expect(stored.map((r) => r.requestId)).toEqual(['offline-2', 'offline-3', 'offline-4']);
      await rec.confirmNow(true);
      expect(rec.stats()).toEqual({ queued: 0, kept: 0, dropped: 2 });
    } finally {
      await close();
    }
  });

  it('keeps every event until PostgreSQL has it, and sends again what Redis lost before the worker stored it', async () => {
    const rec = recorder();
    for (const id of ['kept-a', 'kept-b']) rec.record(usageEvent(id));
    // As the settlement script does: the event is already in the stream, the outbox only keeps it.
    await client.xadd(stream, '*', USAGE_EVENT_FIELD, JSON.stringify(usageEvent('kept-c')));
    rec.sent(usageEvent('kept-c'));
    await rec.flush();
    await drain(ingestor());
    for (const id of ['lost-d', 'lost-e']) rec.record(usageEvent(id));
    await rec.flush();
    expect(rec.stats().kept).toBe(5);

    // Redis restarted without persistence: the two events the worker had not stored are gone.
    await client.del(stream);
    await rec.confirmNow(true);
    await rec.flush();
    // The stored three are forgotten; the lost two are back in the stream, once each.
    expect(rec.stats()).toEqual({ queued: 0, kept: 2, dropped: 0 });
    expect(await client.xlen(stream)).toBe(2);
    await drain(ingestor());
    await rec.confirmNow(true);
    expect(rec.stats().kept).toBe(0);
    const stored = await dataSource.getRepository(UsageRecord).find({ order: { requestId: 'ASC' } });
    expect(stored.map((r) => r.requestId)).toEqual(['kept-a', 'kept-b', 'kept-c', 'lost-d', 'lost-e']);
  });

  it('does not send an event again while it still waits in the stream (the worker is behind)', async () => {
    const rec = recorder();
    rec.record(usageEvent('waiting'));
    await rec.flush();
    await rec.confirmNow(true);
    await rec.confirmNow(true);
    expect(await client.xlen(stream)).toBe(1);
    expect(rec.stats().kept).toBe(1);
    await drain(ingestor());
    await rec.confirmNow(true);
    expect(rec.stats().kept).toBe(0);
    expect(await rows()).toBe(1);
  });

  it('gives up flushing at shutdown after its deadline when Redis is gone, and stores in PostgreSQL what Redis never took', async () => {
    const { proxy, via, close } = await proxiedRedis(redis.url);
    try {
      await proxy.stop();
      const rec = recorder({ shutdownFlushMs: 200, retryMinMs: 20 }, via);
      rec.record(usageEvent('untaken-at-shutdown'));
      const started = Date.now();
      await rec.beforeApplicationShutdown();
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(rec.stats()).toEqual({ queued: 0, kept: 0, dropped: 0 });
      const stored = await dataSource.getRepository(UsageRecord).find();
      expect(stored.map((r) => r.requestId)).toEqual(['untaken-at-shutdown']);
    } finally {
      await close();
    }
  });

  it('stores in PostgreSQL, when a stopping api drains, what Redis never took: once, with its money, even if the worker then ingests it too', async () => {
    const { proxy, via, close } = await proxiedRedis(redis.url);
    try {
      const tenantId = randomUUID();
      // A stream served and billed while Redis was down: its settlement script never ran, so the
      // event waits in the outbox (the recorder's XADD keeps failing).
      const served = usageEvent('served-during-outage', {
        tenantId,
        stream: true,
        promptTokens: 120,
        cachedTokens: 0,
        cacheWriteTokens: 0,
        completionTokens: 80,
        costNano: '4200',
        ttftMs: 30,
      });
      await proxy.stop();
      const rec = recorder({ drainStallMs: 200, retryMinMs: 20, retryMaxMs: 50 }, via);
      rec.record(served);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(rec.stats()).toEqual({ queued: 1, kept: 1, dropped: 0 });

      // SIGTERM: drain() with Redis still down.
      expect(await rec.drain(5_000)).toBe(true);
      expect(rec.stats()).toEqual({ queued: 0, kept: 0, dropped: 0 });
      const books = async () => ({
        records: await dataSource.getRepository(UsageRecord).find({ where: { tenantId } }),
        ledger: (await dataSource.query(
          'SELECT kind, amount_nano::text AS amount FROM ledger_entries WHERE tenant_id = $1',
          [tenantId],
        )) as { kind: string; amount: string }[],
        balance: (await dataSource.query(
          'SELECT balance_nano::text AS balance, debits_nano::text AS debits FROM tenant_balances WHERE tenant_id = $1',
          [tenantId],
        )) as { balance: string; debits: string }[],
      });
      const stored = await books();
      expect(stored.records).toHaveLength(1);
      expect(stored.records[0]).toMatchObject({
        requestId: 'served-during-outage',
        stream: true,
        promptTokens: 120,
        completionTokens: 80,
        costNano: 4200n,
      });
      expect(stored.ledger).toEqual([{ kind: 'usage', amount: '-4200' }]);
      expect(stored.balance).toEqual([{ balance: '-4200', debits: '4200' }]);

      // Redis had taken the event after all without confirming it (or is handed it again): the
      // worker's copy stores nothing and charges nothing.
      await proxy.start();
      await client.xadd(stream, '*', USAGE_EVENT_FIELD, JSON.stringify(served));
      expect(await ingestor().ingestOnce()).toMatchObject({ read: 1, inserted: 0, duplicates: 1 });
      expect(await books()).toEqual(stored);
    } finally {
      await close();
    }
  });

  it('logs each event in full when PostgreSQL is down too, and the logged line XADDed back is stored and charged once', async () => {
    const redisCut = await proxiedRedis(redis.url);
    // PostgreSQL as the stopping api reaches it, through a pass-through the test cuts.
    const pgProxy = await tcpProxy(db.url);
    const viaPg = await new DataSource(
      dataSourceOptions({ url: withPort(db.url, pgProxy.port), entities: PIPELINE_ENTITIES, poolSize: 1 }),
    ).initialize();
    try {
      const tenantId = randomUUID();
      const served = usageEvent('logged-for-replay', { tenantId, costNano: '7000' });
      await redisCut.proxy.stop();
      await pgProxy.stop();
      const rec = new UsageRecorder(
        redisCut.via,
        config,
        new StoredUsageLookup(viaPg),
        { drainStallMs: 200, retryMinMs: 20, retryMaxMs: 50, shutdownFlushMs: 1_000 },
        new UsageDirectStore(viaPg),
      );
      // What the api's logger (pino) writes as JSON: the object's fields beside the message.
      const logged: Record<string, unknown>[] = [];
      jest.spyOn(rec['logger'], 'error').mockImplementation((fields: unknown, message?: unknown) => {
        if (typeof fields === 'object') logged.push({ ...(fields as object), msg: message });
      });
      rec.record(served);
      expect(await rec.drain(1_500)).toBe(false);
      await rec.beforeApplicationShutdown();
      expect(rec.stats()).toEqual({ queued: 0, kept: 0, dropped: 0 });
      const lines = logged.filter((line) => typeof line.usageEvent === 'string');
      expect(lines).toHaveLength(1);
      const line = JSON.parse(JSON.stringify(lines[0])) as Record<string, string>;
      expect(line).toMatchObject({ usageStream: stream, field: USAGE_EVENT_FIELD });

      // The operator replays the line as documented (XADD <usageStream> * <field> <usageEvent>),
      // twice by mistake: the worker stores it once, charges it once.
      const replay = () => client.xadd(line.usageStream!, '*', line.field!, line.usageEvent!);
      await replay();
      await replay();
      await drain(ingestor());
      const stored = await dataSource.getRepository(UsageRecord).find({ where: { tenantId } });
      expect(stored.map((r) => [r.requestId, r.costNano])).toEqual([['logged-for-replay', 7000n]]);
      expect(
        await dataSource.query(
          'SELECT kind, amount_nano::text AS amount FROM ledger_entries WHERE tenant_id = $1',
          [tenantId],
        ),
      ).toEqual([{ kind: 'usage', amount: '-7000' }]);
    } finally {
      await viaPg.destroy();
      await pgProxy.stop();
      await redisCut.close();
    }
  });

  it('stores thousands of untaken events at shutdown batch by batch, logs only what its time left, and the replay completes them once', async () => {
    const { proxy, via, close } = await proxiedRedis(redis.url);
    try {
      await proxy.stop();
      const rec = recorder({ shutdownFlushMs: 1_000, retryMinMs: 20, retryMaxMs: 50 }, via);
      const logged: { usageEvent: string; usageStream: string; field: string }[] = [];
      jest.spyOn(rec['logger'], 'error').mockImplementation((fields: unknown) => {
        const line = fields as (typeof logged)[number];
        if (typeof line?.usageEvent === 'string') logged.push(line);
      });
      // A tenant each, as a busy gateway's: more than a second of PostgreSQL's work in all.
      const count = 20_000;
      for (let i = 0; i < count; i++) rec.record(usageEvent(`many-${i}`, { tenantId: randomUUID() }));
      await rec.beforeApplicationShutdown();
      expect(rec.stats()).toEqual({ queued: 0, kept: 0, dropped: 0 });
      // What was stored in time is neither said to be lost nor left to the replay.
      expect(logged.length).toBeGreaterThan(0);
      expect(logged.length).toBeLessThan(count);
      const loggedIds = new Set(logged.map((line) => (JSON.parse(line.usageEvent) as UsageEvent).requestId));
      // The batch cut by the deadline may still commit: wait for it before counting.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const storedIds = new Set(
        ((await dataSource.query('SELECT request_id FROM usage_records')) as { request_id: string }[]).map(
          (row) => row.request_id,
        ),
      );
      for (let i = 0; i < count; i++) {
        if (!loggedIds.has(`many-${i}`)) expect(storedIds.has(`many-${i}`)).toBe(true);
      }

      // The operator replays the logged lines: every event is then stored, each once.
      await proxy.start();
      for (const line of logged) await client.xadd(line.usageStream, '*', line.field, line.usageEvent);
      await drain(ingestor());
      const [{ records, ids }] = (await dataSource.query(
        'SELECT count(*)::int AS records, count(DISTINCT request_id)::int AS ids FROM usage_records',
      )) as { records: number; ids: number }[];
      expect({ records, ids }).toEqual({ records: count, ids: count });
    } finally {
      await close();
    }
  }, 60_000);

  it('flushes at shutdown what is still queued when Redis answers', async () => {
    const rec = recorder();
    rec.record(usageEvent('at-shutdown'));
    await rec.beforeApplicationShutdown();
    expect(await client.xlen(stream)).toBe(1);
  });

  it('at a low rate, gathers what arrives while it lingers into one INSERT, not one per event', async () => {
    const running = ingestor({ lingerMs: 1_500, blockMs: 1_000 });
    running.start();
    const rec = recorder();
    rec.record(usageEvent('linger-first'));
    await rec.flush();
    // Read alone, a partial batch: stored at once, then the ingestor lingers.
    await waitFor('the first record', async () => ((await rows()) === 1 ? true : undefined), 5_000, 10);
    for (let i = 0; i < 5; i++) {
      rec.record(usageEvent(`linger-${i}`));
      await rec.flush();
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
    await waitFor('all six records', async () => ((await rows()) === 6 ? true : undefined), 5_000, 10);
    // A batch is one transaction, whose rows share its created_at (now() of the transaction).
    const [{ batches }] = (await dataSource.query(
      'SELECT count(DISTINCT created_at)::int AS batches FROM usage_records',
    )) as [{ batches: number }];
    expect(batches).toBe(2);
  });

  it('stores a batch in the same few statements however many tenants, tokens and plan periods it holds', async () => {
    // The guard of issue #16 on the worker's side: a batch is one INSERT of its records and one
    // statement each for the ledger, the tokens and the plan periods, not statements per tenant.
    const statements = async (events: UsageEvent[]): Promise<string[]> => {
      const seen: string[] = [];
      const query = Client.prototype.query;
      Client.prototype.query = function counted(this: Client, ...args: unknown[]) {
        const text = args[0];
        seen.push(typeof text === 'string' ? text : String((text as { text?: string })?.text));
        return (query as (...a: unknown[]) => unknown).apply(this, args);
      } as typeof query;
      try {
        expect(await storeUsageBatch(dataSource, events)).toBe(events.length);
      } finally {
        Client.prototype.query = query;
      }
      return seen;
    };
    const periodStart = '2025-03-01T00:00:00.000Z';
    const tenants = Array.from({ length: 20 }, () => randomUUID());
    const many = tenants.flatMap((tenantId, t) =>
      [0, 1, 2].map((r) =>
        usageEvent(`many-${t}-${r}`, {
          tenantId,
          tokenId: randomUUID(),
          costNano: String((t + 1) * 1000 + r),
          coveredNano: r === 0 ? '100' : '0',
          planPeriodStart: periodStart,
        }),
      ),
    );
    const forMany = await statements(many);
    const forOne = await statements([
      usageEvent('one-tenant', { tenantId: randomUUID(), planPeriodStart: periodStart, coveredNano: '5' }),
    ]);
    // BEGIN, the records, the ledger lines with their balances, the tokens, the plan periods, COMMIT.
    expect(forMany).toHaveLength(6);
    expect(forOne).toHaveLength(forMany.length);
    // And it moved each tenant's money as one usage line and one allowance line would.
    for (const [t, tenantId] of tenants.entries()) {
      const cost = BigInt((t + 1) * 3000 + 3);
      const [balance] = (await dataSource.query(
        'SELECT balance_nano::text AS balance, debits_nano::text AS debits FROM tenant_balances WHERE tenant_id = $1',
        [tenantId],
      )) as [{ balance: string; debits: string }];
      expect(balance).toEqual({ balance: String(-cost + 100n), debits: String(cost - 100n) });
      const lines = (await dataSource.query(
        'SELECT kind, amount_nano::text AS amount FROM ledger_entries WHERE tenant_id = $1 ORDER BY kind DESC',
        [tenantId],
      )) as { kind: string; amount: string }[];
      expect(lines).toEqual([
        { kind: 'usage', amount: String(-cost) },
        { kind: 'plan_allowance', amount: '100' },
      ]);
      const [period] = (await dataSource.query(
        'SELECT requests::int, spend_nano::text AS spend, covered_nano::text AS covered FROM plan_period_usage WHERE tenant_id = $1',
        [tenantId],
      )) as [{ requests: number; spend: string; covered: string }];
      expect(period).toEqual({ requests: 3, spend: String(cost), covered: '100' });
    }
  });

  it('stops a blocked read promptly', async () => {
    const idle = ingestor({ blockMs: 5_000 });
    idle.start();
    await waitFor('the blocking read', async () =>
      ((await client.xinfo('CONSUMERS', stream, USAGE_CONSUMER_GROUP).catch(() => [])) as unknown[]).length >
      0
        ? true
        : undefined,
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    await idle.stop();
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('recreates its consumer group when the stream was deleted under it', async () => {
    const target = ingestor();
    await target.ingestOnce();
    await client.del(stream);
    await expect(target.ingestOnce()).rejects.toThrow(/NOGROUP/);
    const rec = recorder();
    rec.record(usageEvent(`after-reset-${randomUUID()}`));
    await rec.flush();
    expect(await target.ingestOnce()).toMatchObject({ inserted: 1 });
  });
});

interface Proxy {
  readonly port: number;
  stop(): Promise<void>;
  start(): Promise<void>;
}

/**
 * A Redis client reaching Redis through a TCP pass-through that can be cut and restored on the same
 * port. close() restores it first, so the client can say goodbye properly (an ioredis client closed
 * while cut off keeps a 2 s timer alive).
 */
async function proxiedRedis(redisUrl: string): Promise<{ proxy: Proxy; via: Redis; close(): Promise<void> }> {
  const proxy = await tcpProxy(redisUrl);
  const via = new Redis({
    host: '127.0.0.1',
    port: proxy.port,
    maxRetriesPerRequest: 1,
    retryStrategy: () => 50,
  });
  via.on('error', () => undefined);
  await via.ping();
  return {
    proxy,
    via,
    // Dropped without a QUIT: a client still retrying a proxy the test stopped queues the command,
    // and a connection attempt already under way when the proxy starts again can fail it
    // (ioredis flushes its queue with MaxRetriesPerRequestError at every second failed attempt).
    close: async () => {
      via.disconnect();
      if (proxy.running) await proxy.stop();
    },
  };
}

/** The URL with another port: a client of `url` through a pass-through on 127.0.0.1. */
function withPort(url: string, port: number): string {
  const parsed = new URL(url);
  parsed.hostname = '127.0.0.1';
  parsed.port = String(port);
  return parsed.toString();
}

/** A TCP pass-through to the host and port of a redis:// or postgres:// URL. */
async function tcpProxy(url: string): Promise<Proxy & { readonly running: boolean }> {
  const target = url.startsWith('postgres')
    ? { host: new URL(url).hostname, port: Number(new URL(url).port || 5432) }
    : redisOptionsFromUrl(url);
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  const start = () =>
    new Promise<void>((resolve) => {
      const listening = createServer((socket) => {
        const upstream = connect(target.port ?? 6379, target.host ?? '127.0.0.1');
        for (const s of [socket, upstream]) {
          sockets.add(s);
          s.on('error', () => undefined);
          s.on('close', () => {
            sockets.delete(s);
            socket.destroy();
            upstream.destroy();
          });
        }
        socket.pipe(upstream).pipe(socket);
      });
      listening.listen(port, '127.0.0.1', () => {
        server = listening;
        port = (listening.address() as AddressInfo).port;
        resolve();
      });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      const closing = server;
      server = undefined;
      for (const s of sockets) s.destroy();
      if (closing) closing.close(() => resolve());
      else resolve();
    });
  await start();
  return {
    get port() {
      return port;
    },
    get running() {
      return server !== undefined;
    },
    stop,
    start,
  };
}
