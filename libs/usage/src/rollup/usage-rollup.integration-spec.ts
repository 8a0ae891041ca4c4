// The rollups against the raw records: for randomized records over several days, tenants, tokens,
// models, channels and statuses, /api/usage/summary read from the rollups equals the same summary
// computed from usage_records alone, for every groupBy, filter and from/to cutting through hours;
// before, during and after rollups, with records landing in hours already rolled up. Then two
// workers racing ingestion, and retention.
import { randomUUID } from 'node:crypto';
import { Role } from '@gateway/identity';
import { createTestDatabase, seededRandom, TestDatabase } from '@gateway/testing';
import { DataSource } from 'typeorm';
import { USAGE_GROUP_BY, UsageSummaryQuery } from '../dto/usage-summary.query';
import { reconcileUsage } from '../reconcile/reconcile-usage';
import { planFor } from '../query/rollup-summary';
import { pruneUsageRecords } from './prune-usage-records';
import { rollUpAllUsage, rollUpUsage } from './roll-up-usage';
import {
  insertRecords,
  makeWorld,
  openSchema,
  randomRecords,
  summaryService,
  SUPER_ADMIN,
  World,
} from './usage-rollup.fixtures';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Records span [START, START + 3.5 days): several whole days and partial ones. */
const START = new Date('2026-03-01T05:00:00Z');
const SPAN = 3.5 * DAY;

describe('usage rollups', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let world: World;
  const random = seededRandom(20261127);

  beforeAll(async () => {
    db = await createTestDatabase('usage-rollup');
    dataSource = await openSchema(db);
    world = makeWorld();
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  /** A random instant near the records (sometimes on the hour, sometimes mid-hour, minute or ms). */
  const instant = (): Date => {
    const at = START.getTime() - 6 * HOUR + Math.floor(random() * (SPAN + 12 * HOUR));
    const roll = random();
    if (roll < 0.25) return new Date(Math.floor(at / HOUR) * HOUR);
    if (roll < 0.35) return new Date(Math.floor(at / DAY) * DAY);
    return new Date(at);
  };

  /** Random queries: ranges (open or closed), every groupBy, filters, statuses. */
  const queries = (count: number): UsageSummaryQuery[] =>
    Array.from({ length: count }, (_, i) => {
      const query = { groupBy: USAGE_GROUP_BY[i % USAGE_GROUP_BY.length] } as UsageSummaryQuery;
      const a = instant();
      const b = instant();
      const roll = random();
      if (roll < 0.7) {
        [query.from, query.to] =
          a < b ? [a.toISOString(), b.toISOString()] : [b.toISOString(), a.toISOString()];
        if (query.from === query.to) query.to = new Date(a.getTime() + 1).toISOString();
      } else if (roll < 0.8) query.from = a.toISOString();
      else if (roll < 0.9) query.to = a.toISOString();
      const filter = random();
      const tokenIds = [...world.tokens.keys()];
      if (filter < 0.15) query.tenantId = world.tenants[Math.floor(random() * world.tenants.length)];
      else if (filter < 0.25) query.tokenId = tokenIds[Math.floor(random() * tokenIds.length)];
      else if (filter < 0.35) query.model = world.models[Math.floor(random() * world.models.length)];
      else if (filter < 0.45) query.channelId = world.channels[0] as string;
      const status = random();
      if (status < 0.15) query.status = 'error';
      else if (status < 0.3) query.status = 'success';
      else if (status < 0.4) query.status = '429';
      return query;
    });

  const expectSameAsRaw = async (qs: UsageSummaryQuery[]) => {
    const service = summaryService(dataSource, world);
    for (const query of qs) {
      const [fromRollups, fromRecords] = [
        await service.summary(SUPER_ADMIN, query),
        await service.summaryFromRecords(SUPER_ADMIN, query),
      ];
      // The query in the message, so that a failure names the case.
      expect({ query, summary: fromRollups }).toEqual({ query, summary: fromRecords });
    }
  };

  const pendingHours = async () =>
    Number((await dataSource.query(`SELECT count(DISTINCT hour)::int AS n FROM usage_rollup_pending`))[0].n);

  it('marks the hours of every insert, in the inserting transaction', async () => {
    await insertRecords(dataSource, randomRecords(world, random, 1_500, START, SPAN));
    // 3.5 days of records, one statement: every hour they touch is marked once.
    const [{ hours }] = await dataSource.query(
      `SELECT count(DISTINCT date_trunc('hour', started_at, 'UTC'))::int AS hours FROM usage_records`,
    );
    expect(await pendingHours()).toBe(hours);
    // A failed insert leaves no mark.
    await expect(
      dataSource.transaction(async (tx) => {
        await tx.query(
          `INSERT INTO usage_records (request_id, started_at, tenant_id, token_id, endpoint, model, stream,
             prompt_tokens, cached_tokens, completion_tokens, reasoning_tokens, usage_source, cost_nano,
             latency_ms, status)
           VALUES ('x', '2020-01-01T00:30:00Z', $1, $1, 'chat.completions', 'm', false, 0, 0, 0, 0, 'none', 0, 1, 200)`,
          [randomUUID()],
        );
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await pendingHours()).toBe(hours);
  });

  it('answers every summary like the raw records before anything is rolled up', async () => {
    await expectSameAsRaw(queries(24));
  });

  it('answers like the raw records with part of the hours rolled up', async () => {
    const report = await rollUpUsage(dataSource, { maxHours: 40 });
    expect(report).toMatchObject({ skipped: false });
    expect(report.hours).toHaveLength(40);
    expect(await pendingHours()).toBeGreaterThan(0);
    await expectSameAsRaw(queries(36));
  });

  it('answers like the raw records from the rollups alone once everything is rolled up', async () => {
    await rollUpAllUsage(dataSource, { maxHours: 30 });
    expect(await pendingHours()).toBe(0);
    await expectSameAsRaw(queries(60));

    // And it really reads the rollups: a whole-day range is planned from days, nothing raw...
    const filter = { from: new Date('2026-03-02T00:00:00Z'), to: new Date('2026-03-04T00:00:00Z') };
    const plan = await planFor(dataSource.manager, filter, 'model');
    expect(plan).toMatchObject({
      rawEdges: [],
      pendingHours: [],
      fromDay: '2026-03-02',
      toDay: '2026-03-04',
    });
    // ...so a (deliberately) wrong daily row shows in the answer while the records have not changed.
    const query = {
      groupBy: 'tenant',
      from: filter.from.toISOString(),
      to: filter.to.toISOString(),
    } as UsageSummaryQuery;
    const service = summaryService(dataSource, world);
    const before = await service.summary(SUPER_ADMIN, query);
    await dataSource.query(
      `UPDATE usage_rollup_daily SET requests = requests + 1000 WHERE day = '2026-03-02'`,
    );
    const tampered = await service.summary(SUPER_ADMIN, query);
    expect(tampered.totals.requests).toBe(
      before.totals.requests +
        1000 *
          Number(
            (
              await dataSource.query(
                `SELECT count(*)::int AS n FROM usage_rollup_daily WHERE day = '2026-03-02'`,
              )
            )[0].n,
          ),
    );
    await dataSource.query(`DELETE FROM usage_rollup_pending`);
    await dataSource.query(
      `INSERT INTO usage_rollup_pending (hour) SELECT generate_series('2026-03-02T00:00Z'::timestamptz, '2026-03-02T23:00Z', '1 hour')`,
    );
    await rollUpAllUsage(dataSource);
    expect(await service.summary(SUPER_ADMIN, query)).toEqual(before);
  });

  it('stores per-hour rows whose own numbers match the raw records of that hour', async () => {
    const rows: { same: boolean }[] = await dataSource.query(`
      WITH raw AS (
        SELECT date_trunc('hour', started_at, 'UTC') AS hour, tenant_id, token_id, model, channel_id, status,
          (status >= 400 OR error_code IS NOT NULL) AS failed,
          count(*)::int AS requests, sum(reasoning_tokens)::bigint AS reasoning, sum(cost_nano)::bigint AS cost,
          percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms) AS p95,
          percentile_cont(0.5) WITHIN GROUP (ORDER BY ttft_ms) AS ttft50
        FROM usage_records GROUP BY 1, 2, 3, 4, 5, 6, 7)
      SELECT (SELECT count(*) FROM raw) = (SELECT count(*) FROM usage_rollup_hourly)
        AND NOT EXISTS (
          SELECT 1 FROM raw WHERE NOT EXISTS (
            SELECT 1 FROM usage_rollup_hourly h
            WHERE h.hour = raw.hour AND h.tenant_id = raw.tenant_id AND h.token_id = raw.token_id
              AND h.model = raw.model AND h.channel_id IS NOT DISTINCT FROM raw.channel_id AND h.status = raw.status
              AND h.failed = raw.failed AND h.errors = CASE WHEN raw.failed THEN raw.requests ELSE 0 END
              AND h.requests = raw.requests AND h.reasoning_tokens = raw.reasoning AND h.cost_nano = raw.cost
              AND h.latency_p95_ms = raw.p95 AND h.ttft_p50_ms IS NOT DISTINCT FROM raw.ttft50)) AS same`);
    expect(rows[0]?.same).toBe(true);
    const [{ n }] = await dataSource.query(
      `SELECT count(*)::int AS n FROM usage_rollup_daily d
       WHERE d.latency_p50_ms <> usage_percentile(d.latency_values, d.latency_counts::bigint[], 0.5)
          OR d.requests <> (SELECT sum(c) FROM unnest(d.latency_counts) AS c)`,
    );
    expect(n).toBe(0);
  });

  it('stays equal when late records land in hours and days already rolled up', async () => {
    // Old hours (their rollups exist) and the current range, in several batches.
    for (let i = 0; i < 4; i++) {
      await insertRecords(dataSource, randomRecords(world, random, 200, START, SPAN));
    }
    expect(await pendingHours()).toBeGreaterThan(0);
    await expectSameAsRaw(queries(30));
    await rollUpAllUsage(dataSource);
    await expectSameAsRaw(queries(30));
  });

  it('takes the extremes of the calendar as bounds', async () => {
    const extremes: Partial<UsageSummaryQuery>[] = [
      { from: '9999-12-31T12:30:00Z' },
      { from: '9999-12-31T12:30:00Z', to: '9999-12-31T23:59:59Z' },
      { from: '0001-01-01T00:00:00Z', to: '9999-12-31T23:59:59Z' },
      { to: '0001-01-01T10:00:00Z' },
      { from: '1970-01-01T00:00:00Z', to: '2026-03-03T00:00:00Z' },
    ];
    await expectSameAsRaw(
      extremes.flatMap((range) =>
        USAGE_GROUP_BY.map((groupBy) => ({ ...range, groupBy }) as UsageSummaryQuery),
      ),
    );
  });

  it('scopes a member to their own tokens from the rollups too', async () => {
    const tokenIds = [...world.tokens.keys()];
    const tenantId = world.tokens.get(tokenIds[0] as string) as string;
    const member = { ...SUPER_ADMIN, role: Role.Member, tenantId };
    const service = summaryService(dataSource, world, [tokenIds[0] as string]);
    for (const groupBy of USAGE_GROUP_BY) {
      const query = {
        groupBy,
        from: '2026-03-01T07:30:00Z',
        to: '2026-03-04T13:15:00Z',
      } as UsageSummaryQuery;
      const summary = await service.summary(member, query);
      expect(summary).toEqual(await service.summaryFromRecords(member, query));
      expect(summary.totals.requests).toBeGreaterThan(0);
    }
  });

  it('rolls up exactly with two workers racing concurrent ingestion', async () => {
    const other = await openSchema(db);
    try {
      let inserting = true;
      const skipped: boolean[] = [];
      const worker = async (source: DataSource) => {
        while (inserting) {
          const report = await rollUpUsage(source, { maxHours: 5 });
          skipped.push(report.skipped);
        }
      };
      const now = new Date('2026-03-05T10:00:00Z');
      const ingest = async (source: DataSource) => {
        for (let i = 0; i < 15; i++) {
          // Mostly "now", sometimes late records for older hours, in their own transactions.
          const start = random() < 0.7 ? now : START;
          await insertRecords(
            source,
            randomRecords(world, random, 40, start, random() < 0.7 ? 2 * HOUR : SPAN),
          );
        }
      };
      const workers = [worker(dataSource), worker(other)];
      await Promise.all([ingest(dataSource), ingest(other), ingest(dataSource)]);
      inserting = false;
      await Promise.all(workers);
      await rollUpAllUsage(dataSource);
      expect(await pendingHours()).toBe(0);
      expect(skipped.length).toBeGreaterThan(1);

      // Every hourly row equals a fresh computation from the raw rows, with no duplicate.
      const [diff] = await dataSource.query(`
        WITH raw AS (
          SELECT date_trunc('hour', started_at, 'UTC') AS hour, tenant_id, token_id, model, channel_id, status,
            (status >= 400 OR error_code IS NOT NULL) AS failed, count(*)::int AS requests,
            sum(cost_nano)::bigint AS cost, sum(latency_ms)::bigint AS latency
          FROM usage_records GROUP BY 1, 2, 3, 4, 5, 6, 7),
        rolled AS (
          SELECT hour, tenant_id, token_id, model, channel_id, status, failed, requests, cost_nano AS cost,
            latency_sum_ms AS latency FROM usage_rollup_hourly)
        SELECT (SELECT count(*) FROM (SELECT * FROM raw EXCEPT ALL SELECT * FROM rolled) a)::int AS missing,
               (SELECT count(*) FROM (SELECT * FROM rolled EXCEPT ALL SELECT * FROM raw) b)::int AS extra`);
      expect(diff).toEqual({ missing: 0, extra: 0 });
      await expectSameAsRaw(queries(20));
    } finally {
      await other.destroy();
    }
  });

  it('leaves nothing half done when a run dies midway; the retry completes it', async () => {
    await insertRecords(dataSource, randomRecords(world, random, 120, START, SPAN));
    const snapshot = async () =>
      (
        await dataSource.query(
          `SELECT (SELECT count(*) FROM usage_rollup_pending)::int AS marks,
                (SELECT coalesce(sum(requests), 0) FROM usage_rollup_hourly)::int AS hourly,
                (SELECT coalesce(sum(requests), 0) FROM usage_rollup_daily)::int AS daily`,
        )
      )[0] as { marks: number; hourly: number; daily: number };
    const before = await snapshot();
    expect(before.marks).toBeGreaterThan(0);
    // The days step fails after the hours were recomputed (as a crash there would).
    await dataSource.query(
      `ALTER TABLE usage_rollup_daily ADD CONSTRAINT fail_for_test CHECK (requests < 0) NOT VALID`,
    );
    try {
      await expect(rollUpUsage(dataSource)).rejects.toThrow(/fail_for_test/);
    } finally {
      await dataSource.query(`ALTER TABLE usage_rollup_daily DROP CONSTRAINT fail_for_test`);
    }
    expect(await snapshot()).toEqual(before);
    await rollUpAllUsage(dataSource);
    const after = await snapshot();
    expect(after).toEqual({ marks: 0, hourly: before.hourly + 120, daily: before.daily + 120 });
    await expectSameAsRaw(queries(12));
  });

  it('deletes raw records past the retention only from rolled-up hours, keeping totals and summaries', async () => {
    const now = new Date('2027-04-09T00:00:00Z'); // 400 days before: 2026-03-05T00:00Z
    const old = {
      groupBy: 'model',
      from: '2026-03-01T00:00:00Z',
      to: '2026-03-05T00:00:00Z',
    } as UsageSummaryQuery;
    const service = summaryService(dataSource, world);
    const before = await service.summary(SUPER_ADMIN, old);
    const [{ n: oldRecords, cost: oldCost }] = await dataSource.query(
      `SELECT count(*)::int AS n, sum(cost_nano)::text AS cost FROM usage_records WHERE started_at < '2026-03-05'`,
    );
    // One old hour is marked again (as if a record just landed there): it must stay raw.
    await dataSource.query(`INSERT INTO usage_rollup_pending (hour) VALUES ('2026-03-02T03:00:00Z')`);
    const [{ n: keptBack }] = await dataSource.query(
      `SELECT count(*)::int AS n FROM usage_records WHERE date_trunc('hour', started_at, 'UTC') = '2026-03-02T03:00:00Z'`,
    );

    await expect(pruneUsageRecords(dataSource, { retentionDays: 30, now })).rejects.toThrow(/at least 400/);
    expect(await pruneUsageRecords(dataSource, { retentionDays: 0, now })).toEqual({
      deleted: 0,
      cutoff: null,
      skipped: false,
    });
    const report = await pruneUsageRecords(dataSource, { retentionDays: 400, now, batchSize: 500 });
    expect(report.deleted).toBe(oldRecords - keptBack);
    const [{ left }] = await dataSource.query(
      `SELECT count(*)::int AS left FROM usage_records WHERE started_at < '2026-03-05'`,
    );
    expect(left).toBe(keptBack);
    // Bounded batches: more than one was needed, and running again deletes nothing more.
    expect(report.deleted).toBeGreaterThan(500);
    expect((await pruneUsageRecords(dataSource, { retentionDays: 400, now })).deleted).toBe(0);

    // What was deleted is tallied to the nano-dollar, per tenant and token.
    const [{ cost: retired }] = await dataSource.query(
      `SELECT sum(cost_nano)::text AS cost FROM usage_retired`,
    );
    const [{ cost: keptCost }] = await dataSource.query(
      `SELECT coalesce(sum(cost_nano), 0)::text AS cost FROM usage_records WHERE started_at < '2026-03-05'`,
    );
    expect(BigInt(retired) + BigInt(keptCost)).toBe(BigInt(oldCost));
    // The reconciliation still counts them (no ledger here, so it compares with zero debits:
    // the per-tenant record sums it reports include the retired ones).
    const reconciliation = await reconcileUsage(dataSource.manager);
    const recordsNano = reconciliation.mismatches
      .filter((m) => m.kind === 'tenant')
      .reduce((sum, m) => sum + BigInt(m.recordsNano), 0n);
    const [{ cost: allCost }] = await dataSource.query(
      `SELECT (SELECT sum(cost_nano) FROM usage_records) + (SELECT sum(cost_nano) FROM usage_retired) AS cost`,
    );
    expect(recordsNano).toBe(BigInt(allCost));

    // Whole hours and days are still answered from the rollups, unchanged (the marked hour aside,
    // which is read raw: roll it up again and it is consistent with what is left).
    await dataSource.query(`DELETE FROM usage_rollup_pending WHERE hour = '2026-03-02T03:00:00Z'`);
    expect(await service.summary(SUPER_ADMIN, old)).toEqual(before);
  });
});

describe('usage rollups migration', () => {
  it('marks the hours of records stored before it, so they get rolled up too', async () => {
    const db = await createTestDatabase('usage-rollup-migration');
    const dataSource = await openSchema(db, 2);
    try {
      const migration = dataSource.migrations.find((m) => m.name?.startsWith('UsageRollups'));
      expect(migration).toBeDefined();
      const runner = dataSource.createQueryRunner();
      try {
        await migration!.down(runner);
        const world = makeWorld();
        await insertRecords(dataSource, randomRecords(world, seededRandom(7), 300, START, 2 * DAY));
        await migration!.up(runner);
      } finally {
        await runner.release();
      }
      const [{ missing }] = await dataSource.query(
        `SELECT count(*)::int AS missing FROM (
           SELECT DISTINCT date_trunc('hour', started_at, 'UTC') FROM usage_records
           EXCEPT SELECT hour FROM usage_rollup_pending) AS m`,
      );
      expect(missing).toBe(0);
      await rollUpAllUsage(dataSource);
      const [{ requests }] = await dataSource.query(
        `SELECT sum(requests)::int AS requests FROM usage_rollup_daily`,
      );
      expect(requests).toBe(300);
    } finally {
      await dataSource.destroy();
      await db.drop();
    }
  });
});
