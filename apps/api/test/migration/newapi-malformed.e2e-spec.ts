// NewAPI data that is odd but real, imported whole or refused before anything is written, never
// half: a NUL character in a text column (MySQL and SQLite store it, PostgreSQL's text cannot) and
// channel names already taken here, by an earlier installation's import too.
import { startMockUpstream, type MockUpstream } from '@gateway/mock-upstream';
import OpenAI from 'openai';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { startApi, type ApiHarness } from '../api-harness';
import { ALICE_KEY, buildSqliteSource, changedSqliteSource } from './newapi-source-fixture';

interface KindReport {
  created: number;
  updated: number;
  unchanged: number;
  skipped: { sourceId: string; reason: string }[];
  notes: string[];
}

async function scalar(api: ApiHarness, sql: string, params: unknown[] = []): Promise<string> {
  const [row] = (await api.app.get(DataSource).query(sql, params)) as { v: string }[];
  return String(row?.v);
}

describe('importing odd NewAPI data', () => {
  let api: ApiHarness;
  let mock: MockUpstream;
  let admin: string;

  beforeAll(async () => {
    mock = await startMockUpstream();
    api = await startApi('newapi_malformed');
    admin = await api.adminToken();
  });

  afterAll(async () => {
    await api?.close();
    await mock?.close();
  });

  const upload = (bytes: Uint8Array) =>
    request(api.url)
      .post('/api/imports/newapi')
      .set('authorization', `Bearer ${admin}`)
      .field('dryRun', 'false')
      .attach('file', Buffer.from(bytes), 'one-api.db');

  const source = (prefix: string, statements: string[] = []) =>
    buildSqliteSource({ upstream: mock.url.replace(/\/v1$/, ''), aliceQuota: 1_500_000, prefix }).then(
      (bytes) => changedSqliteSource(bytes, statements),
    );

  it('a NUL character in names and emails is dropped, and everything is imported', async () => {
    const bytes = await source('', [
      `UPDATE users SET display_name = 'Ali' || char(0) || 'ce', email = 'alice@example.com' || char(0) WHERE id = 2`,
      `UPDATE tokens SET name = 'alice' || char(0) || ' key' WHERE id = 1`,
      `UPDATE channels SET name = 'OpenAI' || char(0) WHERE id = 1`,
      `UPDATE redemptions SET name = 'gift' || char(0) WHERE id = 1`,
    ]);
    const res = await upload(bytes);
    expect(res.status).toBe(200);
    const report = res.body as { users: KindReport; tokens: KindReport; channels: KindReport };
    expect(report.users.created).toBe(4);
    expect(report.tokens.created).toBe(4);
    expect(await scalar(api, `SELECT name AS v FROM users WHERE username = 'alice'`)).toBe('Alice');
    expect(await scalar(api, `SELECT email AS v FROM users WHERE username = 'alice'`)).toBe(
      'alice@example.com',
    );
    expect(await scalar(api, `SELECT count(*) AS v FROM tokens WHERE name = 'alice key'`)).toBe('1');
    expect(await scalar(api, `SELECT count(*) AS v FROM channels WHERE name = 'OpenAI'`)).toBe('1');
    const completion = await new OpenAI({
      apiKey: `sk-${ALICE_KEY}`,
      baseURL: `${api.url}/v1`,
      maxRetries: 0,
    }).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    expect(completion.object).toBe('chat.completion');
  });

  it('a channel name taken here, and its "(NewAPI #id)" form too, gets another free name; the import goes on', async () => {
    // Two more installations with channels of the same names (a shop merging three NewAPIs).
    for (const prefix of ['second-', 'third-']) {
      const res = await upload(await source(prefix, [`UPDATE channels SET name = 'OpenAI' WHERE id = 1`]));
      expect(res.status).toBe(200);
      expect((res.body as { channels: KindReport }).channels.created).toBe(3);
    }
    const names = (await api.app
      .get(DataSource)
      .query(`SELECT name FROM channels WHERE name LIKE 'OpenAI%' ORDER BY name`)) as { name: string }[];
    expect(names.map((row) => row.name)).toEqual(['OpenAI', 'OpenAI (NewAPI #1)', 'OpenAI (NewAPI #1, 2)']);
  });

  it('a re-run after the first user was renamed in NewAPI (and given an affiliate code) is the same installation: nothing doubled', async () => {
    const before = await source('third-', [`UPDATE channels SET name = 'OpenAI' WHERE id = 1`]);
    const first = (await upload(before).expect(200)).body as { installation: string };
    const counts = async () => [
      await scalar(api, 'SELECT count(*) AS v FROM channels'),
      await scalar(api, 'SELECT count(*) AS v FROM tenants'),
      await scalar(api, 'SELECT count(*) AS v FROM users'),
      await scalar(api, 'SELECT count(*) AS v FROM ledger_entries'),
    ];
    const was = await counts();
    const renamed = await changedSqliteSource(before, [
      `UPDATE users SET username = 'third-boss', aff_code = 'Zz99' WHERE id = 1`,
    ]);
    const dry = (
      await request(api.url)
        .post('/api/imports/newapi')
        .set('authorization', `Bearer ${admin}`)
        .field('dryRun', 'true')
        .attach('file', Buffer.from(renamed), 'one-api.db')
        .expect(200)
    ).body as { installation: string; users: KindReport; channels: KindReport };
    expect(dry.installation).toBe(first.installation);
    expect(dry.channels).toMatchObject({ created: 0, unchanged: 3 });
    expect(dry.users).toMatchObject({ created: 0, updated: 1 });
    const report = (await upload(renamed).expect(200)).body as {
      installation: string;
      users: KindReport;
      channels: KindReport;
      tokens: KindReport;
    };
    expect(report.installation).toBe(first.installation);
    expect(report.users.notes.join('\n')).toContain('recognised as installation');
    expect(report.channels).toMatchObject({ created: 0, unchanged: 3 });
    expect(report.users).toMatchObject({ created: 0, updated: 1 });
    // (This fixture's keys are the first installation's, so none of its tokens was ever imported.)
    expect(report.tokens).toMatchObject({ created: 0, updated: 0 });
    expect(await counts()).toEqual(was);
  });

  it('two imports at once (a double click, or the CLI while the console runs one): one runs, the other gets a clear 409', async () => {
    const bytes = await source('fourth-', [`UPDATE channels SET name = 'Fourth ' || name`]);
    const [a, b] = await Promise.all([upload(bytes), upload(bytes)]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    expect((a.status === 409 ? a : b).body).toMatchObject({
      code: 'import_running',
      message: expect.stringContaining('another NewAPI import is running'),
    });
    expect(await scalar(api, `SELECT count(*) AS v FROM channels WHERE name LIKE 'Fourth %'`)).toBe('3');
    // A dry run reads only, and is not held up.
    const dry = await Promise.all([
      upload(bytes),
      request(api.url)
        .post('/api/imports/newapi')
        .set('authorization', `Bearer ${admin}`)
        .field('dryRun', 'true')
        .attach('file', Buffer.from(bytes), 'one-api.db'),
    ]);
    expect(dry.map((res) => res.status)).toEqual([200, 200]);
  });
});
