// /api/usage: logs, summary and CSV over records that went the real way (the api's UsageRecorder →
// Redis stream → UsageIngestor → usage_records), scoped by role: a member sees only their own
// tokens' requests, tenant roles their tenant's, a super admin everyone's.
import { nanoToUsd } from '@gateway/db';
import { Role, Tenant } from '@gateway/identity';
import { REDIS } from '@gateway/redis';
import { USAGE_CSV_COLUMNS, UsageEvent, UsageIngestor, UsageRecorder } from '@gateway/usage';
import { DataSource } from 'typeorm';
import { ApiHarness, startApi } from '../api-harness';
import { seedTenant, Session, sessionAs, usageEvent } from '../fixtures';

interface LogItem {
  requestId: string;
  [field: string]: unknown;
}

interface Aggregate {
  key?: string | null;
  label?: string | null;
  requests: number;
  errors: number;
  promptTokens: number;
  cachedTokens: number;
  completionTokens: number;
  costUsd: string;
  avgLatencyMs: number | null;
  p50LatencyMs: number | null;
  p95LatencyMs: number | null;
  avgTtftMs: number | null;
}

describe('/api/usage', () => {
  let api: ApiHarness;
  let root: Session;
  let tenantA: Tenant;
  let tenantB: Tenant;
  const inA = {} as Record<'owner' | 'admin' | 'finance' | 'member1' | 'member2', Session>;
  let ownerB: Session;
  const token = {} as Record<'member1' | 'member2' | 'owner' | 'b', string>;
  const channel = {} as Record<'primary' | 'backup', string>;
  let events: UsageEvent[] = [];

  const logs = async (session: Session, query = ''): Promise<{ items: LogItem[]; total: number }> =>
    (await session.get(`/api/usage/logs?${query}`).expect(200)).body;
  const ids = async (session: Session, query = '') =>
    (await logs(session, query)).items.map((i) => i.requestId);

  beforeAll(async () => {
    api = await startApi('usage-api');
    root = await sessionAs(api, Role.SuperAdmin, null);
    tenantA = await seedTenant(api);
    tenantB = await seedTenant(api);
    inA.owner = await sessionAs(api, Role.Owner, tenantA.id);
    inA.admin = await sessionAs(api, Role.Admin, tenantA.id);
    inA.finance = await sessionAs(api, Role.Finance, tenantA.id);
    inA.member1 = await sessionAs(api, Role.Member, tenantA.id);
    inA.member2 = await sessionAs(api, Role.Member, tenantA.id);
    ownerB = await sessionAs(api, Role.Owner, tenantB.id);
    const tokenOf = async (session: Session) =>
      (await session.post('/api/tokens', { name: 'usage' }).expect(201)).body.id as string;
    token.member1 = await tokenOf(inA.member1);
    token.member2 = await tokenOf(inA.member2);
    token.owner = await tokenOf(inA.owner);
    token.b = await tokenOf(ownerB);
    const channelOf = async (name: string) =>
      (
        await root
          .post('/api/channels', {
            name,
            type: 'openai',
            baseUrl: 'http://127.0.0.1:9/v1',
            models: ['gpt-4o', 'claude-3'],
            groups: ['default'],
          })
          .expect(201)
      ).body.id as string;
    channel.primary = await channelOf('primary');
    channel.backup = await channelOf('backup');

    const base = (requestId: string, startedAt: string, over: Partial<UsageEvent>): UsageEvent =>
      usageEvent({
        requestId,
        startedAt,
        tenantId: tenantA.id,
        tokenId: token.member1,
        model: 'gpt-4o',
        channelId: channel.primary,
        upstreamModel: 'gpt-4o-2024-08-06',
        clientIp: '203.0.113.7',
        ...over,
      });
    events = [
      base('r1', '2025-03-01T10:05:00.000Z', {
        promptTokens: 100,
        cachedTokens: 20,
        completionTokens: 50,
        costNano: '1500000',
        latencyMs: 100,
        ttftMs: 40,
      }),
      base('r2', '2025-03-01T10:40:00.000Z', {
        promptTokens: 200,
        completionTokens: 100,
        costNano: '3000000',
        latencyMs: 200,
        ttftMs: 60,
      }),
      base('r3', '2025-03-01T11:10:00.000Z', {
        tokenId: token.member2,
        model: 'claude-3',
        channelId: channel.backup,
        upstreamModel: 'claude-3-opus',
        promptTokens: 300,
        cacheWriteTokens: 120,
        latencyMs: 300,
        status: 502,
        errorCode: 'upstream_error',
        errorMessage: '=HYPERLINK("http://evil") every candidate failed',
        fallbacks: [
          {
            channelId: channel.primary,
            channelName: 'primary',
            keyId: 'k1',
            status: 503,
            code: 'server_error',
          },
        ],
      }),
      // A stream that answered 200 and then broke: an error all the same.
      base('r4', '2025-03-02T09:00:00.000Z', {
        tokenId: token.owner,
        channelId: channel.backup,
        stream: true,
        promptTokens: 50,
        completionTokens: 25,
        reasoningTokens: 7,
        costNano: '123456789',
        latencyMs: 400,
        ttftMs: 100,
        errorCode: 'upstream_error',
        errorMessage: 'stream ended early',
      }),
      base('r5', '2025-03-01T10:30:00.000Z', {
        tenantId: tenantB.id,
        tokenId: token.b,
        promptTokens: 1000,
        completionTokens: 1000,
        costNano: '9000000000',
        latencyMs: 1000,
      }),
      base('r6', '2025-02-28T23:59:59.999Z', {
        promptTokens: 1,
        completionTokens: 1,
        costNano: '1',
        latencyMs: 50,
        usageSource: 'counted',
      }),
    ];

    // The real way in: the api's recorder, the stream, an ingestor like the worker's.
    const recorder = api.app.get(UsageRecorder);
    for (const event of events) recorder.record(event);
    recorder.record(events[0]!); // recorded twice, stored once
    await recorder.flush();
    const ingestor = new UsageIngestor(api.app.get(REDIS), api.app.get(DataSource), api.config);
    let stored = 0;
    for (let round = await ingestor.ingestOnce(); round.read > 0; round = await ingestor.ingestOnce()) {
      stored += round.inserted;
    }
    expect(stored).toBe(events.length);
  });
  afterAll(async () => {
    await api.close();
  });

  describe('logs', () => {
    it('lists every request newest first, with each field as recorded', async () => {
      const page = await logs(root);
      expect(page.total).toBe(6);
      expect(page.items.map((i) => i.requestId)).toEqual(['r4', 'r3', 'r2', 'r5', 'r1', 'r6']);
      const r3 = events.find((e) => e.requestId === 'r3')!;
      expect(page.items[1]).toEqual({
        requestId: 'r3',
        startedAt: '2025-03-01T11:10:00.000Z',
        tenantId: tenantA.id,
        tokenId: token.member2,
        endpoint: 'chat.completions',
        model: 'claude-3',
        upstreamModel: 'claude-3-opus',
        // Recorded before chains (no servedModel): the model asked is the one served.
        servedModel: 'claude-3',
        channelId: channel.backup,
        channelName: 'backup',
        channelKeyId: null,
        stream: false,
        promptTokens: 300,
        cachedTokens: 0,
        cacheWriteTokens: 120,
        completionTokens: 0,
        reasoningTokens: 0,
        usageSource: 'upstream',
        billedUnit: 'tokens',
        billedQuantity: 300,
        costUsd: '0',
        writtenOffUsd: '0',
        latencyMs: 300,
        ttftMs: null,
        status: 502,
        errorCode: 'upstream_error',
        // As recorded, to the letter: the formula is only defused in CSV.
        errorMessage: r3.errorMessage,
        fallbacks: r3.fallbacks,
      });
      expect(page.items[0]).toMatchObject({
        requestId: 'r4',
        costUsd: '0.123456789',
        stream: true,
        ttftMs: 100,
      });
    });

    it.each([
      ['from=2025-03-01&to=2025-03-02', ['r3', 'r2', 'r5', 'r1']],
      ['from=2025-03-01T10:30:00Z&to=2025-03-01T11:10:00Z', ['r2', 'r5']],
      ['to=2025-03-01', ['r6']],
      ['tokenId=TOKEN_MEMBER1', ['r2', 'r1', 'r6']],
      ['channelId=CHANNEL_BACKUP', ['r4', 'r3']],
      ['model=claude-3', ['r3']],
      ['status=error', ['r4', 'r3']],
      ['status=success', ['r2', 'r5', 'r1', 'r6']],
      ['status=502', ['r3']],
      ['status=200&channelId=CHANNEL_BACKUP', ['r4']],
      ['tenantId=TENANT_B', ['r5']],
      ['model=nothing-like-it', []],
    ])('filters by %s', async (query, expected) => {
      const resolved = query
        .replace('TOKEN_MEMBER1', token.member1)
        .replace('CHANNEL_BACKUP', channel.backup)
        .replace('TENANT_B', tenantB.id);
      const page = await logs(root, resolved);
      expect(page.items.map((i) => i.requestId)).toEqual(expected);
      expect(page.total).toBe(expected.length);
    });

    it('pages with page and pageSize, keeping the total', async () => {
      const second = await logs(root, 'pageSize=2&page=2');
      expect(second.items.map((i) => i.requestId)).toEqual(['r2', 'r5']);
      expect(second.total).toBe(6);
      expect((await logs(root, 'pageSize=2&page=4')).items).toEqual([]);
    });
  });

  describe('summary', () => {
    /** The expected aggregates, computed here from the seeded events (BigInt sums, exact). */
    const expectedFor = (group: UsageEvent[]): Omit<Aggregate, 'key' | 'label'> => {
      const latencies = group.map((e) => e.latencyMs).sort((a, b) => a - b);
      const ttfts = group.map((e) => e.ttftMs).filter((t): t is number => t !== null);
      const round1 = (n: number) => Math.round(n * 10) / 10;
      const percentile = (p: number) => {
        const at = p * (latencies.length - 1);
        const low = latencies[Math.floor(at)]!;
        const high = latencies[Math.ceil(at)]!;
        return round1(low + (high - low) * (at - Math.floor(at)));
      };
      const sum = (pick: (e: UsageEvent) => number) => group.reduce((total, e) => total + pick(e), 0);
      return {
        requests: group.length,
        errors: group.filter((e) => e.status >= 400 || e.errorCode !== null).length,
        promptTokens: sum((e) => e.promptTokens),
        cachedTokens: sum((e) => e.cachedTokens),
        completionTokens: sum((e) => e.completionTokens),
        costUsd: nanoToUsd(group.reduce((total, e) => total + BigInt(e.costNano), 0n)),
        avgLatencyMs: round1(sum((e) => e.latencyMs) / group.length),
        p50LatencyMs: percentile(0.5),
        p95LatencyMs: percentile(0.95),
        avgTtftMs: ttfts.length === 0 ? null : round1(ttfts.reduce((a, b) => a + b, 0) / ttfts.length),
      };
    };

    it('groups by model with exact sums, percentiles from PostgreSQL, and totals', async () => {
      const res = await root.get('/api/usage/summary?groupBy=model').expect(200);
      expect(res.body.items).toEqual([
        {
          key: 'gpt-4o',
          label: null,
          requests: 5,
          errors: 1,
          promptTokens: 1351,
          cachedTokens: 20,
          completionTokens: 1176,
          costUsd: '9.12795679',
          avgLatencyMs: 350,
          p50LatencyMs: 200,
          p95LatencyMs: 880,
          avgTtftMs: 66.7,
        },
        {
          key: 'claude-3',
          label: null,
          requests: 1,
          errors: 1,
          promptTokens: 300,
          cachedTokens: 0,
          completionTokens: 0,
          costUsd: '0',
          avgLatencyMs: 300,
          p50LatencyMs: 300,
          p95LatencyMs: 300,
          avgTtftMs: null,
        },
      ]);
      expect(res.body.totals).toEqual(expectedFor(events));
      expect(res.body.totals.costUsd).toBe('9.12795679');
    });

    const keyOf: Record<string, (e: UsageEvent) => string | null> = {
      model: (e) => e.model,
      channel: (e) => e.channelId,
      tenant: (e) => e.tenantId,
      token: (e) => e.tokenId,
      hour: (e) => `${e.startedAt.slice(0, 13)}:00:00Z`,
      day: (e) => e.startedAt.slice(0, 10),
    };

    it.each(Object.keys(keyOf))('groups by %s, each group’s sums exact', async (groupBy) => {
      const res = await root.get(`/api/usage/summary?groupBy=${groupBy}`).expect(200);
      const items = res.body.items as Aggregate[];
      const groups = new Map<string | null, UsageEvent[]>();
      for (const e of events) groups.set(keyOf[groupBy]!(e), [...(groups.get(keyOf[groupBy]!(e)) ?? []), e]);
      expect(items.map((i) => i.key).sort()).toEqual([...groups.keys()].sort());
      for (const item of items) {
        const { key, label, ...aggregate } = item;
        expect(aggregate).toEqual(expectedFor(groups.get(key ?? null)!));
        if (groupBy === 'channel') expect(label).toBe(key === channel.primary ? 'primary' : 'backup');
        else expect(label).toBeNull();
      }
      if (groupBy === 'hour' || groupBy === 'day') {
        expect(items.map((i) => i.key)).toEqual([...groups.keys()].sort());
      }
    });

    it('sums within the filters and the caller’s scope', async () => {
      const res = await inA.finance
        .get('/api/usage/summary?groupBy=day&from=2025-03-01&to=2025-03-03&status=success')
        .expect(200);
      const inScope = events.filter(
        (e) =>
          e.tenantId === tenantA.id && e.startedAt >= '2025-03-01' && e.status < 400 && e.errorCode === null,
      );
      expect(res.body.items).toEqual([{ key: '2025-03-01', label: null, ...expectedFor(inScope) }]);
      expect(res.body.totals).toEqual(expectedFor(inScope));
    });

    it('answers zero totals and no groups when nothing matches', async () => {
      const res = await root.get('/api/usage/summary?groupBy=token&model=none').expect(200);
      expect(res.body).toEqual({
        items: [],
        totals: {
          requests: 0,
          errors: 0,
          promptTokens: 0,
          cachedTokens: 0,
          completionTokens: 0,
          costUsd: '0',
          avgLatencyMs: null,
          p50LatencyMs: null,
          p95LatencyMs: null,
          avgTtftMs: null,
        },
      });
    });
  });

  describe('logs.csv', () => {
    it('streams the filtered rows as CSV with a header, formulas defused', async () => {
      const res = await inA.owner.get('/api/usage/logs.csv').expect(200);
      expect(res.headers['content-type']).toMatch(/^text\/csv/);
      expect(res.headers['content-disposition']).toContain('usage.csv');
      const rows = parseCsv(res.text);
      expect(rows[0]).toEqual([...USAGE_CSV_COLUMNS]);
      const body = rows
        .slice(1)
        .map((cells) => Object.fromEntries(USAGE_CSV_COLUMNS.map((c, i) => [c, cells[i]])));
      expect(body.map((r) => r['requestId'])).toEqual(['r4', 'r3', 'r2', 'r1', 'r6']);
      const r3 = body[1]!;
      expect(r3['errorMessage']).toBe('\'=HYPERLINK("http://evil") every candidate failed');
      expect(r3['channelName']).toBe('backup');
      expect(r3['cacheWriteTokens']).toBe('120');
      expect(JSON.parse(r3['fallbacks']!)).toEqual(events[2]!.fallbacks);
      expect(body[0]).toMatchObject({
        costUsd: '0.123456789',
        stream: 'true',
        ttftMs: '100',
        reasoningTokens: '7',
        billedUnit: 'tokens',
      });
      expect(r3['ttftMs']).toBe('');
    });

    it('takes the same filters and scope as the logs', async () => {
      const member = parseCsv(
        (await inA.member1.get('/api/usage/logs.csv?to=2025-03-01T10:30:00Z').expect(200)).text,
      );
      expect(member.slice(1).map((cells) => cells[0])).toEqual(['r1', 'r6']);
      await inA.owner.get(`/api/usage/logs.csv?tenantId=${tenantB.id}`).expect(404);
      const bad = await root.get('/api/usage/logs.csv?status=fine').expect(400);
      expect(bad.body.errors).toEqual([{ field: 'status', messages: [expect.stringContaining('status')] }]);
    });
  });

  describe('scope', () => {
    it('shows a member only the requests of tokens they own', async () => {
      expect(await ids(inA.member1)).toEqual(['r2', 'r1', 'r6']);
      expect(await ids(inA.member2)).toEqual(['r3']);
      // Naming a colleague's token finds nothing.
      expect(await ids(inA.member1, `tokenId=${token.member2}`)).toEqual([]);
      const summary = await inA.member1.get('/api/usage/summary?groupBy=token').expect(200);
      expect(summary.body.items.map((i: Aggregate) => i.key)).toEqual([token.member1]);
      expect(summary.body.totals.requests).toBe(3);
    });

    it.each(['owner', 'admin', 'finance'] as const)(
      'shows an %s their whole tenant and nothing of another',
      async (role) => {
        expect(await ids(inA[role])).toEqual(['r4', 'r3', 'r2', 'r1', 'r6']);
        expect(await ids(inA[role], `tenantId=${tenantA.id}`)).toEqual(['r4', 'r3', 'r2', 'r1', 'r6']);
        await inA[role].get(`/api/usage/logs?tenantId=${tenantB.id}`).expect(404);
        await inA[role].get(`/api/usage/summary?groupBy=model&tenantId=${tenantB.id}`).expect(404);
        const tenants = await inA[role].get('/api/usage/summary?groupBy=tenant').expect(200);
        expect(tenants.body.items.map((i: Aggregate) => i.key)).toEqual([tenantA.id]);
      },
    );

    it('shows tenant B’s owner only tenant B', async () => {
      expect(await ids(ownerB)).toEqual(['r5']);
      expect(await ids(ownerB, `tokenId=${token.member1}`)).toEqual([]);
    });

    it('refuses anonymous callers', async () => {
      const res = await api.http.get('/api/usage/logs');
      expect(res.status).toBe(401);
    });
  });

  describe('bad input', () => {
    it.each([
      ['logs', 'from=yesterday', ['from']],
      ['logs', 'to=2025-13-01', ['to']],
      ['logs', 'status=fine', ['status']],
      ['logs', 'status=600', ['status']],
      ['logs', 'tenantId=not-a-uuid&tokenId=1&channelId=x', ['tenantId', 'tokenId', 'channelId']],
      ['logs', 'page=0&pageSize=1000', ['page', 'pageSize']],
      ['logs', 'sort=cost', ['sort']],
      ['summary', '', ['groupBy']],
      ['summary', 'groupBy=week&from=no', ['groupBy', 'from']],
    ])('%s?%s → 400 naming %j', async (route, query, fields) => {
      const res = await root.get(`/api/usage/${route}?${query}`).expect(400);
      expect(res.body.code).toBe('validation_failed');
      expect((res.body.errors as { field: string }[]).map((e) => e.field).sort()).toEqual([...fields].sort());
    });

    it('refuses a range whose end is not after its start', async () => {
      const res = await root.get('/api/usage/logs?from=2025-03-02&to=2025-03-01').expect(400);
      expect(res.body).toMatchObject({ code: 'invalid_range', message: expect.stringMatching(/to.*from/) });
    });
  });
});

/** RFC 4180, enough for the export: quoted cells may hold commas, quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += ch;
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  return rows;
}
