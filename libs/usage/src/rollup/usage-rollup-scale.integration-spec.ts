// Scale check: a million usage records made with generate_series in this suite's own database,
// rolled up, then /api/usage/summary over a month. Asserted on what PostgreSQL reads (EXPLAIN
// ANALYZE), not on wall-clock time: the raw table is touched only for the partial edge hours and
// the hours not rolled up yet, and the answer still equals the summary computed from the records.
import { createTestDatabase, TestDatabase } from '@gateway/testing';
import { DataSource } from 'typeorm';
import type { UsageSummaryQuery } from '../dto/usage-summary.query';
import { planFor, summarySql } from '../query/rollup-summary';
import type { UsageFilter } from '../query/usage-filter';
import { rollUpAllUsage } from './roll-up-usage';
import { openSchema, summaryService, SUPER_ADMIN, World } from './usage-rollup.fixtures';

const RECORDS = 1_000_000;
const DAYS = 30;
const START = '2026-01-01T00:00:00Z';

interface PlanNode {
  'Relation Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  Plans?: PlanNode[];
}

/** Rows each table produced, over every scan node of the plan. */
function rowsRead(node: PlanNode, into = new Map<string, number>()): Map<string, number> {
  const table = node['Relation Name'];
  if (table)
    into.set(table, (into.get(table) ?? 0) + (node['Actual Rows'] ?? 0) * (node['Actual Loops'] ?? 1));
  for (const child of node.Plans ?? []) rowsRead(child, into);
  return into;
}

describe('usage rollups at scale', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  const tenants = ['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222'];
  const channels = ['cccccccc-0000-4000-8000-000000000001', 'cccccccc-0000-4000-8000-000000000002'];

  beforeAll(async () => {
    db = await createTestDatabase('usage-rollup-scale');
    dataSource = await openSchema(db, 2);
    // 1M records over 30 days: 2 tenants × 3 tokens, 3 models, 2 channels, mostly 200s.
    await dataSource.query(
      `INSERT INTO usage_records (request_id, started_at, tenant_id, token_id, endpoint, model, stream,
         channel_id, prompt_tokens, cached_tokens, completion_tokens, reasoning_tokens, usage_source, cost_nano,
         latency_ms, ttft_ms, status, error_code)
       SELECT 'r' || i, $1::timestamptz + (i::float8 / $2 * $3) * interval '1 day',
         CASE WHEN i % 6 < 3 THEN $4::uuid ELSE $5::uuid END,
         ('00000000-0000-4000-8000-00000000000' || (i % 6))::uuid,
         'chat.completions', (ARRAY['gpt-4o', 'gpt-4o-mini', '通义千问-max'])[1 + i % 3], i % 2 = 0,
         CASE WHEN i % 5 = 0 THEN $7::uuid ELSE $6::uuid END,
         i % 4000, i % 700, i % 1500, 0, 'upstream', (i % 9973) * 1000,
         200 + ((i * 7919) % 8000), CASE WHEN i % 3 = 0 THEN NULL ELSE 50 + (i * 31) % 900 END,
         CASE WHEN i % 50 = 0 THEN 429 WHEN i % 77 = 0 THEN 500 ELSE 200 END,
         CASE WHEN i % 50 = 0 OR i % 77 = 0 THEN 'upstream_error' END
       FROM generate_series(0::bigint, $2::bigint - 1) AS i`,
      [START, RECORDS, DAYS, tenants[0], tenants[1], channels[0], channels[1]],
    );
    await rollUpAllUsage(dataSource, { maxHours: 24 * DAYS });
    // A few records land after the rollup, in one (now pending) hour: read raw.
    await dataSource.query(
      `INSERT INTO usage_records (request_id, started_at, tenant_id, token_id, endpoint, model, stream,
         prompt_tokens, cached_tokens, completion_tokens, reasoning_tokens, usage_source, cost_nano, latency_ms, status)
       SELECT 'late' || i, '2026-01-20T10:00:00Z'::timestamptz + i * interval '1 second', $1, $1,
         'chat.completions', 'gpt-4o', false, 1, 0, 1, 0, 'upstream', 5, 300 + i, 200
       FROM generate_series(1, 50) AS i`,
      [tenants[0]],
    );
  }, 180_000);
  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  it('rolled a million records into far fewer rows', async () => {
    const [{ records, hourly, daily, pending }] = await dataSource.query(
      `SELECT (SELECT count(*) FROM usage_records)::int AS records,
              (SELECT count(*) FROM usage_rollup_hourly)::int AS hourly,
              (SELECT count(*) FROM usage_rollup_daily)::int AS daily,
              (SELECT count(DISTINCT hour) FROM usage_rollup_pending)::int AS pending`,
    );
    expect(records).toBe(RECORDS + 50);
    expect(pending).toBe(1);
    expect(hourly).toBeLessThan(RECORDS / 5);
    expect(daily).toBeLessThan(RECORDS / 100);
  });

  it('answers a month-long summary from the rollups, reading raw rows only at the edges', async () => {
    // Edges cut through hours: 2026-01-01T00:20 and 2026-01-30T23:40.
    const filter: UsageFilter = {
      from: new Date('2026-01-01T00:20:00Z'),
      to: new Date('2026-01-30T23:40:00Z'),
    };
    const plan = await planFor(dataSource.manager, filter, 'model');
    expect(plan.pendingHours.map((h) => h.toISOString())).toEqual(['2026-01-20T10:00:00.000Z']);
    const { sql, params } = summarySql(plan, filter, 'model');
    const [{ 'QUERY PLAN': explained }] = await dataSource.query(
      `EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`,
      params,
    );
    const read = rowsRead((explained as { Plan: PlanNode }[])[0]!.Plan);
    // Raw: the two partial edge hours and the pending hour (about 1,400 records per hour).
    const [{ edge }] = await dataSource.query(
      `SELECT count(*)::int AS edge FROM usage_records
       WHERE started_at >= '2026-01-01T00:20Z' AND started_at < '2026-01-01T01:00Z'
          OR started_at >= '2026-01-30T23:00Z' AND started_at < '2026-01-30T23:40Z'
          OR started_at >= '2026-01-20T10:00Z' AND started_at < '2026-01-20T11:00Z'`,
    );
    expect(read.get('usage_records') ?? 0).toBeLessThanOrEqual(edge);
    expect(edge).toBeLessThan(5_000);
    // Rollups: a few thousand rows, not a million.
    const rollupRows = (read.get('usage_rollup_daily') ?? 0) + (read.get('usage_rollup_hourly') ?? 0);
    expect(rollupRows).toBeGreaterThan(0);
    expect(rollupRows).toBeLessThan(RECORDS / 50);

    // And the numbers are the raw records' numbers.
    const world: World = { tenants, tokens: new Map(), models: [], channels };
    const service = summaryService(dataSource, world);
    const query = {
      groupBy: 'model',
      from: filter.from!.toISOString(),
      to: filter.to!.toISOString(),
    } as UsageSummaryQuery;
    expect(await service.summary(SUPER_ADMIN, query)).toEqual(
      await service.summaryFromRecords(SUPER_ADMIN, query),
    );
    // (the reference summary aggregates all million records: slow on a busy machine)
  }, 120_000);
});
