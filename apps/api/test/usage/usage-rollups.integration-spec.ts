// GET /api/usage/summary over HTTP once the worker's rollups exist: the same answers, in the same
// shape (channel labels, decimal USD, nulls), as before anything was rolled up, for a super admin and
// for a tenant owner, across days, whole hours and ranges cutting through hours.
import { Role } from '@gateway/identity';
import { rollUpAllUsage } from '@gateway/usage';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { ApiHarness, startApi } from '../api-harness';
import { seedTenant, Session, sessionAs } from '../fixtures';

describe('/api/usage/summary from the rollups', () => {
  let api: ApiHarness;
  let root: Session;
  let owner: Session;
  let dataSource: DataSource;

  const QUERIES = [
    '',
    'from=2025-05-01T00:00:00Z&to=2025-05-04T00:00:00Z',
    'from=2025-05-01T07:13:00Z&to=2025-05-03T16:45:30Z',
    'from=2025-05-02T10:00:00Z&to=2025-05-02T12:00:00Z&status=error',
    'from=2025-05-02T10:20:00Z&to=2025-05-02T10:40:00Z',
    'to=2025-05-02T13:30:00Z&status=success',
  ];
  const GROUPS = ['model', 'channel', 'tenant', 'token', 'hour', 'day'];

  const all = async (session: Session) => {
    const answers: Record<string, unknown> = {};
    for (const query of QUERIES) {
      for (const groupBy of GROUPS) {
        const url = `/api/usage/summary?groupBy=${groupBy}${query ? `&${query}` : ''}`;
        answers[url] = (await session.get(url).expect(200)).body;
      }
    }
    return answers;
  };

  beforeAll(async () => {
    api = await startApi('usage-rollups-api');
    dataSource = api.app.get<DataSource>(getDataSourceToken());
    root = await sessionAs(api, Role.SuperAdmin, null);
    const tenantA = await seedTenant(api);
    const tenantB = await seedTenant(api);
    owner = await sessionAs(api, Role.Owner, tenantA.id);
    const tokenA = (await owner.post('/api/tokens', { name: 'usage' }).expect(201)).body.id as string;
    const channel = (
      await root
        .post('/api/channels', {
          name: '主通道',
          type: 'openai',
          baseUrl: 'http://127.0.0.1:9/v1',
          models: ['gpt-4o'],
          groups: ['default'],
        })
        .expect(201)
    ).body.id as string;
    // 3 days of records, two tenants, with and without a channel, some failing.
    await dataSource.query(
      `INSERT INTO usage_records (request_id, started_at, tenant_id, token_id, endpoint, model, stream, channel_id,
         prompt_tokens, cached_tokens, completion_tokens, reasoning_tokens, usage_source, cost_nano, latency_ms,
         ttft_ms, status, error_code)
       SELECT 'q' || i, '2025-05-01T00:00:00Z'::timestamptz + i * interval '4 minutes 7 seconds',
         CASE WHEN i % 3 = 0 THEN $2::uuid ELSE $1::uuid END,
         CASE WHEN i % 3 = 0 THEN $2::uuid ELSE $3::uuid END,
         'chat.completions', CASE WHEN i % 2 = 0 THEN 'gpt-4o' ELSE '通义千问' END, false,
         CASE WHEN i % 5 = 0 THEN NULL ELSE $4::uuid END,
         i % 900, i % 100, i % 300, 0, 'upstream', (i % 97) * 123457, 50 + (i * 37) % 2000,
         CASE WHEN i % 4 = 0 THEN NULL ELSE 10 + i % 90 END,
         CASE WHEN i % 11 = 0 THEN 429 ELSE 200 END, CASE WHEN i % 11 = 0 THEN 'rate_limited' END
       FROM generate_series(0, 1040) AS i`,
      [tenantA.id, tenantB.id, tokenA, channel],
    );
  });
  afterAll(async () => {
    await api?.close();
  });

  it('answers exactly as before once the hours are rolled up', async () => {
    const [rootBefore, ownerBefore] = [await all(root), await all(owner)];
    const { hours } = await rollUpAllUsage(dataSource);
    expect(hours).toBeGreaterThan(70);
    const [{ pending }] = await dataSource.query(`SELECT count(*)::int AS pending FROM usage_rollup_pending`);
    expect(pending).toBe(0);
    expect(await all(root)).toEqual(rootBefore);
    expect(await all(owner)).toEqual(ownerBefore);
    // Something was there to compare, channel names included.
    const byChannel = rootBefore['/api/usage/summary?groupBy=channel'] as {
      items: { label: string | null; costUsd: string }[];
      totals: { requests: number };
    };
    expect(byChannel.totals.requests).toBe(1041);
    expect(new Set(byChannel.items.map((i) => i.label))).toEqual(new Set(['主通道', null]));
  });
});
