// Moving a NewAPI installation over, end to end: a NewAPI-shaped SQLite file (uploaded from the
// console), a PostgreSQL and a MySQL (MariaDB) database (through the CLI's command) are imported; the
// imported token's original sk- key then calls /v1/chat/completions through the official SDK and is
// billed against the imported balance to the nano-dollar; the imported user signs in with their
// NewAPI password and redeems a NewAPI redemption code they still held.
import { startMockUpstream, type MockUpstream } from '@gateway/mock-upstream';
import type { UsageIngestor } from '@gateway/usage';
import { createHash } from 'node:crypto';
import OpenAI from 'openai';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { importNewApiCommand } from '../../src/cli/import-newapi-command';
import { startApi, type ApiHarness } from '../api-harness';
import { startIngestor, usageRecordsStored } from '../relay/relay-fixture';
import {
  ALICE_KEY,
  buildForeignSqlite,
  buildMysqlSource,
  buildPostgresSource,
  buildSqliteSource,
  CAROL_KEY,
  changedSqliteSource,
  dropMysqlSource,
  dropPostgresSource,
  EXHAUSTED_KEY,
  EXPIRED_KEY,
  PASSWORDS,
  REDEMPTION_CODES,
  withAliceQuota,
} from './newapi-source-fixture';

interface KindReport {
  read: number;
  created: number;
  updated: number;
  unchanged: number;
  skipped: { sourceId: string; reason: string }[];
  notes: string[];
}
interface Report {
  dryRun: boolean;
  installation: string;
  quotaPerUnit: string;
  channels: KindReport;
  keysAdded: number;
  users: KindReport;
  tokens: KindReport;
  redemptionCodes: KindReport;
  amounts: {
    kind: string;
    sourceId: string;
    quota: string;
    usd: string;
    rounded: boolean;
    creditedUsd?: string;
  }[];
  groups: { group: string; multiplier: string; outcome: string }[];
  prices: { set: { model: string }[] } | null;
  notImported: string[];
}

/** The fixture's CompletionRatio has no gpt-4o, whose output NewAPI bills at 4× by a ratio in its code. */
const COMPLETION_WARNING =
  "prices: CompletionRatio has no entry for gpt-4o: its output is priced at its input price (ratio 1), while NewAPI may bill it at a ratio built into its code; check gpt-4o's output price";

/** The fixture's channels serve an alias and ERNIE-4.0 that its ModelRatio does not price: free here. */
const UNPRICED_WARNINGS = ['ERNIE-4.0', 'gpt-4o-alias'].map(
  (model) =>
    `prices: ${model} is served by an imported channel but has neither a ModelRatio nor a ModelPrice in the source (NewAPI refuses it, or bills it at a ratio built into its code): it costs nothing here until it has a price`,
);

function sdk(api: ApiHarness, key: string): OpenAI {
  return new OpenAI({ apiKey: key, baseURL: `${api.url}/v1`, maxRetries: 0 });
}

async function scalar(api: ApiHarness, sql: string, params: unknown[] = []): Promise<string> {
  const [row] = (await api.app.get(DataSource).query(sql, params)) as { v: string }[];
  return String(row?.v);
}

describe('importing a NewAPI SQLite file from the console', () => {
  let api: ApiHarness;
  let mock: MockUpstream;
  let ingestor: UsageIngestor;
  let admin: string;
  let source: Uint8Array;

  beforeAll(async () => {
    mock = await startMockUpstream();
    api = await startApi('newapi_sqlite');
    ingestor = startIngestor(api);
    admin = await api.adminToken();
    source = await buildSqliteSource({
      upstream: mock.url.replace(/\/v1$/, ''),
      aliceQuota: 1_500_000,
      prefix: '',
    });
  });

  afterAll(async () => {
    await ingestor?.stop();
    await api?.close();
    await mock?.close();
  });

  const upload = (bytes: Uint8Array, dryRun: boolean) =>
    request(api.url)
      .post('/api/imports/newapi')
      .set('authorization', `Bearer ${admin}`)
      .field('dryRun', String(dryRun))
      .attach('file', Buffer.from(bytes), 'one-api.db');

  it('a dry run reports what it would import and writes nothing', async () => {
    const res = await upload(source, true);
    expect(res.status).toBe(200);
    const report = res.body as Report;
    expect(report).toMatchObject({ dryRun: true, quotaPerUnit: '500000' });
    expect(report.channels).toMatchObject({ read: 3, created: 3, updated: 0, unchanged: 0 });
    expect(report.keysAdded).toBe(4);
    expect(report.users).toMatchObject({ read: 5, created: 4 });
    expect(report.users.skipped).toEqual([
      expect.objectContaining({ sourceId: '5', reason: 'deleted in the source' }),
    ]);
    expect(report.tokens).toMatchObject({ read: 5, created: 4 });
    expect(report.redemptionCodes).toMatchObject({ read: 5, created: 2 });
    expect(report.notImported).toEqual([COMPLETION_WARNING, ...UNPRICED_WARNINGS]);
    expect(report.redemptionCodes.skipped).toEqual([
      expect.objectContaining({ sourceId: '2', reason: 'used in the source' }),
      expect.objectContaining({ sourceId: '3', reason: 'expired in the source' }),
      expect.objectContaining({ sourceId: '4', reason: 'disabled in the source' }),
    ]);
    expect(await scalar(api, 'SELECT count(*) AS v FROM redemption_codes')).toBe('0');
    expect(await scalar(api, 'SELECT count(*) AS v FROM import_links')).toBe('0');
    expect(await scalar(api, 'SELECT count(*) AS v FROM channels')).toBe('0');
    expect(await scalar(api, 'SELECT count(*) AS v FROM users WHERE username IS NOT NULL')).toBe('0');
  });

  it('imports channels, users with their balance, tokens, prices and group ratios, audited', async () => {
    const report = (await upload(source, false).expect(200)).body as Report;
    expect(report.channels).toMatchObject({ created: 3 });
    expect(report.keysAdded).toBe(4);
    expect(report.channels.notes.join('\n')).toContain('type 15 is not routable by this gateway yet');
    expect(report.users).toMatchObject({ created: 4 });
    expect(report.tokens).toMatchObject({ created: 4 });
    expect(report.tokens.skipped).toEqual([
      expect.objectContaining({ sourceId: '5', reason: 'its user was not imported' }),
    ]);
    // 1,500,000 quota at 500,000 per USD = $3, exactly; used_quota (history) is not a balance.
    expect(report.amounts).toContainEqual(
      expect.objectContaining({
        kind: 'balance',
        sourceId: '2',
        quota: '1500000',
        usd: '3',
        creditedUsd: '3',
        rounded: false,
      }),
    );
    // Unused codes at the same rate as balances: 500,000 → $1, 750,000 → $1.50.
    expect(report.redemptionCodes).toMatchObject({ created: 2 });
    expect(report.amounts).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'redemption_code', sourceId: '1', quota: '500000', usd: '1' }),
        expect.objectContaining({ kind: 'redemption_code', sourceId: '5', quota: '750000', usd: '1.5' }),
      ]),
    );
    const codes = (await api.app
      .get(DataSource)
      .query(
        `SELECT hint, amount_nano, expires_at, code_hash, row_to_json(c)::text AS whole FROM redemption_codes c ORDER BY amount_nano`,
      )) as {
      hint: string;
      amount_nano: string;
      expires_at: Date | null;
      code_hash: string;
      whole: string;
    }[];
    expect(codes.map((c) => [c.hint, c.amount_nano, c.expires_at?.toISOString() ?? null])).toEqual([
      ['0123…cdef', '1000000000', null],
      ['fedc…3210', '1500000000', '2100-01-01T00:00:00.000Z'],
    ]);
    // Stored like a code made here: its SHA-256 and a hint, never the code.
    expect(codes[0]!.code_hash).toBe(createHash('sha256').update(REDEMPTION_CODES.gift).digest('hex'));
    expect(
      codes.some((c) => c.whole.includes(REDEMPTION_CODES.gift) || c.whole.includes(REDEMPTION_CODES.later)),
    ).toBe(false);
    expect(report.prices?.set.map((p) => p.model).sort()).toEqual(['gpt-4o', 'gpt-4o-mini']);
    // CompletionRatio names gpt-4o-mini only: gpt-4o's output is priced at 1× (NewAPI's code says 4×).
    expect(report.notImported).toEqual([COMPLETION_WARNING, ...UNPRICED_WARNINGS]);
    expect(report.groups).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ group: 'vip', multiplier: '0.8', outcome: 'set' }),
        expect.objectContaining({ group: 'free', outcome: 'skipped' }),
      ]),
    );

    const db = api.app.get(DataSource);
    const channels = (await db.query(
      `SELECT c.name, c.type, c.base_url, c.status, c.models, c.model_mapping, c.groups, c.priority, c.weight, c.settings,
              (SELECT count(*)::int FROM channel_keys k WHERE k.channel_id = c.id) AS keys
         FROM channels c ORDER BY c.name`,
    )) as Record<string, unknown>[];
    expect(channels).toEqual([
      expect.objectContaining({
        name: 'Azure east',
        type: 'azure-openai',
        status: 'disabled',
        settings: { apiVersion: '2024-10-21' },
        keys: 1,
      }),
      expect.objectContaining({
        name: 'OpenAI 主渠道',
        type: 'openai',
        base_url: `${mock.url.replace(/\/v1$/, '')}/v1`,
        status: 'enabled',
        models: ['gpt-4o-mini', 'gpt-4o-alias'],
        model_mapping: { 'gpt-4o-alias': 'gpt-4o-mini' },
        groups: ['default', 'vip'],
        priority: 5,
        weight: 1,
        keys: 2,
      }),
      expect.objectContaining({ name: '文心一言', status: 'disabled', keys: 1 }),
    ]);
    // Keys are stored encrypted, never as sent.
    expect(
      await scalar(api, "SELECT count(*) AS v FROM channel_keys WHERE key_ciphertext LIKE '%sk-upstream%'"),
    ).toBe('0');

    const users = (await db.query(
      `SELECT u.username, u.role, u.disabled, u.tenant_id IS NULL AS no_tenant, u.email, u.name, t.name AS tenant, t."group", t.status
         FROM users u LEFT JOIN tenants t ON t.id = u.tenant_id WHERE u.username IS NOT NULL ORDER BY u.username`,
    )) as Record<string, unknown>[];
    expect(users).toEqual([
      expect.objectContaining({
        username: 'alice',
        role: 'owner',
        disabled: false,
        email: 'alice@example.com',
        name: '爱丽丝',
        tenant: 'alice',
        status: 'active',
      }),
      expect.objectContaining({
        username: 'bob',
        role: 'owner',
        disabled: true,
        tenant: 'bob',
        status: 'disabled',
      }),
      expect.objectContaining({ username: 'carol', role: 'owner', group: 'vip', name: '卡罗尔' }),
      expect.objectContaining({ username: 'root', role: 'super_admin', no_tenant: true }),
    ]);
    expect(
      await scalar(api, `SELECT count(*) AS v FROM audit_logs WHERE entity_type = 'newapi_import'`),
    ).toBe('1');
  });

  it('a second run doubles nothing', async () => {
    const ledger = await scalar(api, 'SELECT count(*) AS v FROM ledger_entries');
    const report = (await upload(source, false).expect(200)).body as Report;
    expect(report.channels).toMatchObject({ created: 0, updated: 0, unchanged: 3 });
    expect(report.keysAdded).toBe(0);
    expect(report.users).toMatchObject({ created: 0, updated: 0, unchanged: 4 });
    expect(report.tokens).toMatchObject({ created: 0, updated: 0, unchanged: 4 });
    expect(report.redemptionCodes).toMatchObject({ created: 0, updated: 0, unchanged: 2 });
    expect(await scalar(api, 'SELECT count(*) AS v FROM redemption_codes')).toBe('2');
    expect(await scalar(api, 'SELECT count(*) AS v FROM ledger_entries')).toBe(ledger);
    expect(await scalar(api, 'SELECT count(*) AS v FROM channels')).toBe('3');
    expect(await scalar(api, 'SELECT count(*) AS v FROM tokens')).toBe('4');
  });

  it('the original sk- key calls the gateway through the SDK and is billed against the imported balance', async () => {
    const tenantId = await scalar(api, `SELECT tenant_id AS v FROM users WHERE username = 'alice'`);
    const before = BigInt(
      await scalar(api, 'SELECT balance_nano AS v FROM tenant_balances WHERE tenant_id = $1', [tenantId]),
    );
    expect(before).toBe(3_000_000_000n);
    const completion = await sdk(api, `sk-${ALICE_KEY}`).chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hello from a NewAPI client' }],
    });
    expect(completion.usage).toBeDefined();
    await usageRecordsStored(api, tenantId, 1);
    // ModelRatio 0.075 = $0.15 per 1M prompt tokens = 150 nano each; ×4 for completion = 600 nano.
    const { prompt_tokens: prompt, completion_tokens: output } = completion.usage!;
    const cost = BigInt(prompt) * 150n + BigInt(output) * 600n;
    expect(
      await scalar(api, 'SELECT sum(cost_nano) AS v FROM usage_records WHERE tenant_id = $1', [tenantId]),
    ).toBe(cost.toString());
    const after = BigInt(
      await scalar(api, 'SELECT balance_nano AS v FROM tenant_balances WHERE tenant_id = $1', [tenantId]),
    );
    expect(after).toBe(before - cost);
    // The imported model mapping: the alias reaches the upstream under its mapped name.
    await sdk(api, `sk-${ALICE_KEY}`).chat.completions.create({
      model: 'gpt-4o-alias',
      messages: [{ role: 'user', content: 'through the alias' }],
    });
    expect(mock.requests.at(-1)?.body).toMatchObject({ model: 'gpt-4o-mini' });
  });

  it('expired and exhausted NewAPI tokens stay refused, even with no expiry and quota left; an unlimited one keeps its allowed IPs', async () => {
    await expect(
      sdk(api, `sk-${EXPIRED_KEY}`).chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'x' }],
      }),
    ).rejects.toMatchObject({ status: 401 });
    await expect(
      sdk(api, `sk-${EXHAUSTED_KEY}`).chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'x' }],
      }),
    ).rejects.toMatchObject({ status: 401 });
    expect(
      await scalar(
        api,
        `SELECT string_agg(status, ',' ORDER BY name) AS v FROM tokens WHERE name IN ('expired', 'exhausted')`,
      ),
    ).toBe('disabled,disabled');
    const [carol] = (await api.app
      .get(DataSource)
      .query(`SELECT quota_nano, ip_allowlist FROM tokens WHERE key_hint = $1`, [CAROL_KEY.slice(-4)])) as {
      quota_nano: string | null;
      ip_allowlist: string[];
    }[];
    expect(carol).toEqual({ quota_nano: null, ip_allowlist: ['127.0.0.1/32', '::1/128'] });
  });

  it('the imported user signs in with their NewAPI username and password, which is then rehashed', async () => {
    await request(api.url).post('/api/auth/login').send({ username: 'alice', password: 'wrong' }).expect(401);
    expect(await scalar(api, `SELECT password_hash AS v FROM users WHERE username = 'alice'`)).toMatch(
      /^\$2[aby]\$/,
    );
    const res = await request(api.url)
      .post('/api/auth/login')
      .send({ username: 'alice', password: PASSWORDS.alice })
      .expect(200);
    expect(res.body).toMatchObject({ user: { username: 'alice', role: 'owner' } });
    expect(await scalar(api, `SELECT password_hash AS v FROM users WHERE username = 'alice'`)).toMatch(
      /^\$argon2id\$/,
    );
    await request(api.url)
      .post('/api/auth/login')
      .send({ username: 'alice', password: PASSWORDS.alice })
      .expect(200);
    await request(api.url)
      .post('/api/auth/login')
      .send({ email: 'alice@example.com', password: PASSWORDS.alice })
      .expect(200);
    // A disabled NewAPI user stays locked out.
    await request(api.url)
      .post('/api/auth/login')
      .send({ username: 'bob', password: 'bob-password' })
      .expect(401);
  });

  it('the imported user redeems the NewAPI code they still held, once, as NewAPI printed it', async () => {
    const login = await request(api.url)
      .post('/api/auth/login')
      .send({ username: 'alice', password: PASSWORDS.alice })
      .expect(200);
    const token = (login.body as { accessToken: string }).accessToken;
    const tenantId = await scalar(api, `SELECT tenant_id AS v FROM users WHERE username = 'alice'`);
    const balance = async () =>
      BigInt(
        await scalar(api, 'SELECT balance_nano AS v FROM tenant_balances WHERE tenant_id = $1', [tenantId]),
      );
    const before = await balance();
    const redeem = (code: string) =>
      request(api.url)
        .post('/api/redemption-codes/redeem')
        .set('authorization', `Bearer ${token}`)
        .send({ code });
    const res = await redeem(REDEMPTION_CODES.gift.toUpperCase()).expect(200);
    expect(res.body).toMatchObject({ tenantId, kind: 'redemption', amountUsd: '1' });
    expect((await balance()) - before).toBe(1_000_000_000n);
    expect((await redeem(REDEMPTION_CODES.gift).expect(409)).body).toMatchObject({
      code: 'redemption_code_redeemed',
    });
    // Codes used, disabled or expired in NewAPI were not imported.
    expect((await redeem('a'.repeat(32)).expect(404)).body).toMatchObject({
      code: 'redemption_code_not_found',
    });
    // A re-run leaves a code redeemed here alone: it does not come back as a fresh one.
    const again = (await upload(source, false).expect(200)).body as Report;
    expect(again.redemptionCodes).toMatchObject({ created: 0, unchanged: 2 });
    await redeem(REDEMPTION_CODES.gift).expect(409);
  });

  it('a re-run after a top-up in NewAPI credits only the difference', async () => {
    const tenantId = await scalar(api, `SELECT tenant_id AS v FROM users WHERE username = 'alice'`);
    const balance = BigInt(
      await scalar(api, 'SELECT balance_nano AS v FROM tenant_balances WHERE tenant_id = $1', [tenantId]),
    );
    const report = (await upload(await withAliceQuota(source, 2_000_000), false).expect(200)).body as Report;
    expect(report.users).toMatchObject({ updated: 1, unchanged: 3 });
    expect(report.amounts).toContainEqual(
      expect.objectContaining({ sourceId: '2', usd: '4', creditedUsd: '1' }),
    );
    const after = BigInt(
      await scalar(api, 'SELECT balance_nano AS v FROM tenant_balances WHERE tenant_id = $1', [tenantId]),
    );
    expect(after - balance).toBe(1_000_000_000n);
    // The password was not changed in the source: the rehashed one stays.
    expect(await scalar(api, `SELECT password_hash AS v FROM users WHERE username = 'alice'`)).toMatch(
      /^\$argon2id\$/,
    );
  });

  it('a quota beyond what one credit line may hold comes in at that limit, named in the report, and the run goes on', async () => {
    // Some shops keep a huge quota as "unlimited": 9e18 is a valid int64 there, 18e12 USD here.
    const huge = await changedSqliteSource(source, [
      `UPDATE users SET quota = 9000000000000000000 WHERE id = 2`,
      `UPDATE users SET quota = 999999999999999 WHERE id = 4`,
      `UPDATE tokens SET remain_quota = 9000000000000000000 WHERE id = 1`,
      `UPDATE redemptions SET quota = 9000000000000000000 WHERE id = 5`,
    ]);
    const report = (await upload(huge, false).expect(200)).body as Report;
    expect(report.users).toMatchObject({ updated: 2 });
    expect(report.users.notes).toEqual(
      expect.arrayContaining([
        'alice: a balance of 18000000000000 USD is more than the 1000000 USD one credit line may hold here; imported as 1000000',
        'carol: a balance of 1999999999.999998 USD is more than the 1000000 USD one credit line may hold here; imported as 1000000',
      ]),
    );
    // alice had $4 from earlier runs: this one credits up to the limit, carol gets the limit.
    expect(report.amounts).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'balance', sourceId: '2', creditedUsd: '999996' }),
        expect.objectContaining({ kind: 'balance', sourceId: '4', creditedUsd: '1000000' }),
      ]),
    );
    const credited = (username: string) =>
      scalar(
        api,
        `SELECT sum(l.amount_nano) AS v FROM ledger_entries l JOIN users u ON u.tenant_id = l.tenant_id
          WHERE u.username = $1 AND l.ref LIKE 'newapi:%'`,
        [username],
      );
    expect(await credited('alice')).toBe('1000000000000000');
    expect(await credited('carol')).toBe('1000000000000000');
    expect(report.tokens.notes).toContain(
      'alice 的密钥: a quota of 18000000000000 USD is more than a token may have here; imported as 1000000',
    );
    expect(report.redemptionCodes.skipped).toContainEqual(
      expect.objectContaining({
        sourceId: '5',
        reason: 'worth more than the 1000000 USD a code may credit here',
      }),
    );
    // A re-run of the same source credits nothing more.
    const again = (await upload(huge, false).expect(200)).body as Report;
    expect(again.users).toMatchObject({ updated: 0, unchanged: 4 });
    expect(await credited('alice')).toBe('1000000000000000');
    // From the limit one way to the limit the other is more than one line: left to an operator.
    const swing = await changedSqliteSource(huge, [`UPDATE users SET quota = -999999999999999 WHERE id = 4`]);
    const swung = (await upload(swing, false).expect(200)).body as Report;
    expect(swung.users.notes).toContain(
      'carol: the change of -2000000 USD is more than one credit line may hold; not credited, adjust the balance by hand',
    );
    expect(await credited('carol')).toBe('1000000000000000');
  });

  it('a key taken out of the NewAPI channel is disabled by the re-run; a key added here by hand is left alone', async () => {
    const db = api.app.get(DataSource);
    const channelId = await scalar(api, `SELECT id AS v FROM channels WHERE name = 'OpenAI 主渠道'`);
    await request(api.url)
      .post(`/api/channels/${channelId}/keys`)
      .set('authorization', `Bearer ${admin}`)
      .send({ key: 'sk-added-here-by-hand-dddd' })
      .expect(201);
    const keys = async () =>
      (
        (await db.query(`SELECT key_hint, status FROM channel_keys WHERE channel_id = $1 ORDER BY key_hint`, [
          channelId,
        ])) as { key_hint: string; status: string }[]
      ).map((k) => `${k.key_hint} ${k.status}`);
    // The leaked key two-bbbb is revoked in NewAPI and three-cccc takes its place.
    const revoked = await changedSqliteSource(source, [
      `UPDATE channels SET "key" = 'sk-upstream-one-aaaa' || char(10) || 'sk-upstream-three-cccc' WHERE id = 1`,
    ]);
    const removedNote =
      'channel OpenAI 主渠道: key sk-…bbbb is no longer in the NewAPI channel; disabled here';
    const dry = (await upload(revoked, true).expect(200)).body as Report;
    expect(dry.channels.notes).toContain(removedNote);
    expect(await keys()).toEqual(['sk-aaaa enabled', 'sk-bbbb enabled', 'sk-dddd enabled']);

    const report = (await upload(revoked, false).expect(200)).body as Report;
    expect(report.channels).toMatchObject({ updated: 1, unchanged: 2 });
    expect(report.keysAdded).toBe(1);
    expect(report.channels.notes).toEqual(
      expect.arrayContaining([
        removedNote,
        'channel OpenAI 主渠道: 1 key(s) not in the NewAPI channel were left as they are (added here by hand, or imported before the import kept track of its keys)',
      ]),
    );
    // Disabled, not deleted: its usage history keeps pointing at it.
    expect(await keys()).toEqual([
      'sk-aaaa enabled',
      'sk-bbbb disabled',
      'sk-cccc enabled',
      'sk-dddd enabled',
    ]);
    expect(
      await scalar(
        api,
        `SELECT count(*) AS v FROM audit_logs WHERE entity_type = 'channel_key' AND action = 'update'
            AND after->>'status' = 'disabled'`,
      ),
    ).toBe('1');
    const again = (await upload(revoked, false).expect(200)).body as Report;
    expect(again.channels).toMatchObject({ updated: 0, unchanged: 3 });

    // The old pair back in NewAPI: two-bbbb stays disabled here (an operator may have disabled it
    // too) and the report says so; three-cccc is gone from the source now, so it is disabled.
    const back = (await upload(source, false).expect(200)).body as Report;
    expect(back.channels.notes).toEqual(
      expect.arrayContaining([
        'channel OpenAI 主渠道: key sk-…bbbb is in the NewAPI channel again but was disabled here by an earlier run; enable it by hand if it should be used',
        'channel OpenAI 主渠道: key sk-…cccc is no longer in the NewAPI channel; disabled here',
      ]),
    );
    expect(await keys()).toEqual([
      'sk-aaaa enabled',
      'sk-bbbb disabled',
      'sk-cccc disabled',
      'sk-dddd enabled',
    ]);
  });

  it('is for super admins only and refuses a file that is not SQLite', async () => {
    await request(api.url)
      .post('/api/imports/newapi')
      .field('dryRun', 'true')
      .attach('file', Buffer.from(source), 'one-api.db')
      .expect(401);
    const res = await request(api.url)
      .post('/api/imports/newapi')
      .set('authorization', `Bearer ${admin}`)
      .attach('file', Buffer.from('not a database at all'), 'x.db')
      .expect(400);
    expect(res.body).toMatchObject({ code: 'source_unreadable' });
  });

  it('refuses a database that is not NewAPI, in a dry run too, and writes nothing', async () => {
    const tenants = await scalar(api, 'SELECT count(*) AS v FROM tenants');
    for (const dryRun of [true, false]) {
      const res = await upload(await buildForeignSqlite(), dryRun).expect(400);
      expect(res.body).toMatchObject({ code: 'validation_failed' });
      expect((res.body as { message: string }).message).toContain(
        'no NewAPI tables (users, tokens, channels) found: users has no password, quota; no tokens table; no channels table',
      );
    }
    expect(await scalar(api, 'SELECT count(*) AS v FROM tenants')).toBe(tenants);
  });
});

describe('importing a NewAPI PostgreSQL database with the CLI command', () => {
  const sourceDb = `newapi_src_${process.pid}`;
  let api: ApiHarness;
  let mock: MockUpstream;
  let url: string;

  beforeAll(async () => {
    mock = await startMockUpstream();
    api = await startApi('newapi_pg', { LOG_LEVEL: 'error' });
    await api.adminToken();
    url = await buildPostgresSource(sourceDb, {
      upstream: mock.url.replace(/\/v1$/, ''),
      quotaPerUnit: '3000000',
      aliceQuota: 3_000_001,
      prefix: 'pg_',
    });
  });

  afterAll(async () => {
    await api?.close();
    await mock?.close();
    await dropPostgresSource(sourceDb);
  });

  it('a channel row that fails rolls back every channel of the run (one transaction per kind)', async () => {
    const db = api.app.get(DataSource);
    // The second source channel (Azure east) fails on insert, after the first one was written.
    await db.query(`CREATE FUNCTION refuse_azure() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.name = 'Azure east' THEN RAISE EXCEPTION 'refused by the test'; END IF; RETURN NEW; END $$`);
    await db.query(
      `CREATE TRIGGER refuse_azure BEFORE INSERT ON channels FOR EACH ROW EXECUTE FUNCTION refuse_azure()`,
    );
    try {
      await expect(importNewApiCommand(api.app, ['--from', url])).rejects.toThrow('refused by the test');
    } finally {
      await db.query(`DROP TRIGGER refuse_azure ON channels`);
      await db.query(`DROP FUNCTION refuse_azure()`);
    }
    expect(await scalar(api, 'SELECT count(*) AS v FROM channels')).toBe('0');
    expect(await scalar(api, 'SELECT count(*) AS v FROM channel_keys')).toBe('0');
    expect(await scalar(api, `SELECT count(*) AS v FROM audit_logs WHERE entity_type LIKE 'channel%'`)).toBe(
      '0',
    );
    expect(await scalar(api, 'SELECT count(*) AS v FROM import_links')).toBe('0');
  });

  it('imports at the source QuotaPerUnit, rounding fractions down and saying so, and leaves the source as it was', async () => {
    const report = (await importNewApiCommand(api.app, ['--from', url])) as unknown as Report;
    expect(report).toMatchObject({ dryRun: false, quotaPerUnit: '3000000' });
    expect(report.users).toMatchObject({ created: 4 });
    expect(report.tokens).toMatchObject({ created: 4 });
    // 3,000,001 quota / 3,000,000 per USD = $1.000000333… → 1,000,000,333 nano, rounded down.
    expect(report.amounts).toContainEqual(
      expect.objectContaining({
        sourceId: '2',
        usd: '1.000000333',
        rounded: true,
        creditedUsd: '1.000000333',
      }),
    );
    const again = (await importNewApiCommand(api.app, ['--from', url])) as unknown as Report;
    expect(again.users).toMatchObject({ created: 0, updated: 0, unchanged: 4 });
    expect(again.installation).toBe(report.installation);
    const key = `sk-${ALICE_KEY}`;
    const completion = await sdk(api, key).chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(completion.choices[0]?.message).toBeDefined();
    await request(api.url)
      .post('/api/auth/login')
      .send({ username: 'pg_alice', password: PASSWORDS.alice })
      .expect(200);
    // Nothing in the source changed (read in a READ ONLY transaction).
    const check = new (await import('pg')).Client({ connectionString: url });
    await check.connect();
    const { rows } = await check.query(`SELECT password, quota FROM users WHERE id = 2`);
    await check.end();
    expect(rows[0]).toMatchObject({ quota: '3000001' });
    expect(String(rows[0].password)).toMatch(/^\$2[aby]\$/);
  });

  it("refuses the gateway's own database (its users, tokens and channels are not NewAPI's)", async () => {
    const tenants = await scalar(api, 'SELECT count(*) AS v FROM tenants');
    await expect(importNewApiCommand(api.app, ['--from', api.db.url, '--dry-run'])).rejects.toThrow(
      'no NewAPI tables (users, tokens, channels) found: users has no password, quota; tokens has no key, remain_quota; channels has no key',
    );
    await expect(importNewApiCommand(api.app, ['--from', api.db.url])).rejects.toThrow('no NewAPI tables');
    expect(await scalar(api, 'SELECT count(*) AS v FROM tenants')).toBe(tenants);
  });
});

describe('importing a NewAPI MySQL (MariaDB) database through a mysql:// URL', () => {
  const sourceDb = `newapi_src_${process.pid}_${Date.now()}`;
  let api: ApiHarness;
  let mock: MockUpstream;
  let url: string;

  beforeAll(async () => {
    // First, so that a MariaDB that does not answer fails here with its message, before an api boots.
    mock = await startMockUpstream();
    url = await buildMysqlSource(sourceDb, {
      upstream: mock.url.replace(/\/v1$/, ''),
      aliceQuota: 2_500_000,
      prefix: 'my_',
    });
    api = await startApi('newapi_mysql', { LOG_LEVEL: 'error' });
    await api.adminToken();
  });

  afterAll(async () => {
    await api?.close();
    await mock?.close();
    await dropMysqlSource(sourceDb);
  });

  it('imports every kind from MySQL, and the key, the password and a redemption code work', async () => {
    const dry = (await importNewApiCommand(api.app, ['--from', url, '--dry-run'])) as unknown as Report;
    expect(dry).toMatchObject({ dryRun: true, dialect: 'mysql' });
    expect(await scalar(api, 'SELECT count(*) AS v FROM channels')).toBe('0');

    const report = (await importNewApiCommand(api.app, ['--from', url])) as unknown as Report;
    expect(report).toMatchObject({ dryRun: false, dialect: 'mysql', quotaPerUnit: '500000' });
    expect(report.channels).toMatchObject({ read: 3, created: 3 });
    expect(report.keysAdded).toBe(4);
    expect(report.users).toMatchObject({ read: 5, created: 4 });
    expect(report.users.skipped).toEqual([
      expect.objectContaining({ sourceId: '5', reason: 'deleted in the source' }),
    ]);
    expect(report.tokens).toMatchObject({ read: 5, created: 4 });
    expect(report.redemptionCodes).toMatchObject({ read: 5, created: 2 });
    expect(report.amounts).toContainEqual(
      expect.objectContaining({ kind: 'balance', sourceId: '2', usd: '5', creditedUsd: '5', rounded: false }),
    );
    const names = (await api.app.get(DataSource).query(`SELECT name FROM channels ORDER BY name`)) as {
      name: string;
    }[];
    expect(names.map((n) => n.name)).toEqual(['Azure east', 'OpenAI 主渠道', '文心一言']);
    const display = await scalar(api, `SELECT name AS v FROM users WHERE username = 'my_alice'`);
    expect(display).toBe('爱丽丝');

    const again = (await importNewApiCommand(api.app, ['--from', url])) as unknown as Report;
    expect(again.installation).toBe(report.installation);
    expect(again.users).toMatchObject({ created: 0, updated: 0, unchanged: 4 });
    expect(again.redemptionCodes).toMatchObject({ created: 0, unchanged: 2 });

    const completion = await sdk(api, `sk-${ALICE_KEY}`).chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi from MySQL' }],
    });
    expect(completion.choices[0]?.message).toBeDefined();
    const login = await request(api.url)
      .post('/api/auth/login')
      .send({ username: 'my_alice', password: PASSWORDS.alice })
      .expect(200);
    await request(api.url)
      .post('/api/redemption-codes/redeem')
      .set('authorization', `Bearer ${(login.body as { accessToken: string }).accessToken}`)
      .send({ code: REDEMPTION_CODES.later })
      .expect(200);
  });
});
