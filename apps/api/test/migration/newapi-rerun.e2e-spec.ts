// Re-running a NewAPI import after the shop revoked keys there: a token deleted in NewAPI (soft, as
// NewAPI does, or its row gone, as one-api does), or whose user was deleted, is refused by NewAPI
// from then on (its middleware finds no token, or no enabled user); the gateway must not keep it
// working because an earlier run brought it over. The key is disabled here, not deleted (its usage
// history stays), once: an operator may re-enable it by hand. A user deleted there no longer signs in.
import { startMockUpstream, type MockUpstream } from '@gateway/mock-upstream';
import type { UsageIngestor } from '@gateway/usage';
import OpenAI from 'openai';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { startApi, type ApiHarness } from '../api-harness';
import { fund, startIngestor } from '../relay/relay-fixture';
import {
  ALICE_KEY,
  buildSqliteSource,
  CAROL_KEY,
  changedSqliteSource,
  PASSWORDS,
} from './newapi-source-fixture';

interface KindReport {
  created: number;
  updated: number;
  unchanged: number;
  skipped: { sourceId: string; reason: string }[];
  notes: string[];
}

function sdk(api: ApiHarness, key: string): OpenAI {
  return new OpenAI({ apiKey: key, baseURL: `${api.url}/v1`, maxRetries: 0 });
}

async function scalar(api: ApiHarness, sql: string, params: unknown[] = []): Promise<string> {
  const [row] = (await api.app.get(DataSource).query(sql, params)) as { v: string }[];
  return String(row?.v);
}

/** A second key of alice's, made in NewAPI before the first run. */
const SECOND_KEY = 'secondK3yFromNewApi00000000000000000000000000006';

describe('re-running a NewAPI import after keys were revoked there', () => {
  let api: ApiHarness;
  let mock: MockUpstream;
  let ingestor: UsageIngestor;
  let admin: string;
  let source: Uint8Array;
  let revoked: Uint8Array;

  beforeAll(async () => {
    mock = await startMockUpstream();
    api = await startApi('newapi_rerun');
    ingestor = startIngestor(api);
    admin = await api.adminToken();
    source = await changedSqliteSource(
      await buildSqliteSource({ upstream: mock.url.replace(/\/v1$/, ''), aliceQuota: 1_500_000, prefix: '' }),
      [
        `INSERT INTO tokens (id, user_id, "key", status, name, expired_time, remain_quota, unlimited_quota)
           VALUES (6, 2, '${SECOND_KEY}', 1, 'second', -1, 1000000, 0)`,
      ],
    );
    // Then, in NewAPI: alice's first key deleted (deleted_at), her second one's row gone (one-api
    // deletes rows), and carol deleted as a user.
    revoked = await changedSqliteSource(source, [
      `UPDATE tokens SET deleted_at = '2026-12-01 00:00:00' WHERE id = 1`,
      `DELETE FROM tokens WHERE id = 6`,
      `UPDATE users SET deleted_at = '2026-12-01 00:00:00' WHERE id = 4`,
      // and root, an admin there (a super admin here), deleted too.
      `UPDATE users SET deleted_at = '2026-12-01 00:00:00' WHERE id = 1`,
    ]);
  });

  afterAll(async () => {
    await ingestor?.stop();
    await api?.close();
    await mock?.close();
  });

  const upload = async (bytes: Uint8Array, dryRun = false) =>
    (
      await request(api.url)
        .post('/api/imports/newapi')
        .set('authorization', `Bearer ${admin}`)
        .field('dryRun', String(dryRun))
        .attach('file', Buffer.from(bytes), 'one-api.db')
        .expect(200)
    ).body as { tokens: KindReport; users: KindReport };

  const login = (username: string, password: string) =>
    request(api.url).post('/api/auth/login').send({ username, password });

  const chat = (key: string) =>
    sdk(api, `sk-${key}`).chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'still here?' }],
    });

  it('the keys work after the first run', async () => {
    await upload(source);
    const carol = await scalar(api, `SELECT tenant_id AS v FROM users WHERE username = 'carol'`);
    await fund(api, carol, '1');
    for (const key of [ALICE_KEY, SECOND_KEY, CAROL_KEY])
      await expect(chat(key)).resolves.toMatchObject({ object: 'chat.completion' });
    await login('root', PASSWORDS.root).expect(200);
    await login('carol', 'carol-password').expect(200);
  });

  it('a dry run names the keys NewAPI no longer lets through and changes nothing', async () => {
    const report = await upload(revoked, true);
    const notes = report.tokens.notes.join('\n');
    expect(notes).toContain(
      'alice 的密钥: imported by an earlier run and deleted in the source; disabled here',
    );
    expect(notes).toContain(
      'token #6: imported by an earlier run and no longer in the source; disabled here',
    );
    expect(notes).toContain('carol: imported by an earlier run and its user was not imported');
    expect(report.tokens.updated).toBe(3);
    expect(report.users.updated).toBe(2);
    expect(report.users.notes).toEqual(
      expect.arrayContaining([
        'root: imported by an earlier run and deleted in the source; sign-in and tenant disabled here',
        'carol: imported by an earlier run and deleted in the source; sign-in and tenant disabled here',
      ]),
    );
    for (const key of [ALICE_KEY, SECOND_KEY, CAROL_KEY])
      await expect(chat(key)).resolves.toMatchObject({ object: 'chat.completion' });
    await login('root', PASSWORDS.root).expect(200);
  });

  it('the re-run disables them (not deleted), so the SDK gets a 401 as from NewAPI', async () => {
    const report = await upload(revoked);
    expect(report.tokens.updated).toBe(3);
    for (const key of [ALICE_KEY, SECOND_KEY, CAROL_KEY])
      await expect(chat(key)).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    expect(await scalar(api, `SELECT count(*) AS v FROM tokens`)).toBe('5');
    expect(await scalar(api, `SELECT count(*) AS v FROM tokens WHERE status = 'active'`)).toBe('0');
    // A user deleted in NewAPI, an admin there above all, no longer signs in here.
    expect(report.users.updated).toBe(2);
    await login('root', PASSWORDS.root).expect(401);
    await login('carol', 'carol-password').expect(401);
    await login('alice', PASSWORDS.alice).expect(200);
    expect(await scalar(api, `SELECT count(*) AS v FROM users WHERE username IN ('root', 'carol')`)).toBe(
      '2',
    );
  });

  it('a third run changes nothing, and leaves a key an operator enabled again by hand enabled', async () => {
    const second = await scalar(api, `SELECT id AS v FROM tokens WHERE name = 'second'`);
    await request(api.url)
      .patch(`/api/tokens/${second}`)
      .set('authorization', `Bearer ${admin}`)
      .send({ status: 'active' })
      .expect(200);
    const report = await upload(revoked);
    expect(report.tokens).toMatchObject({ created: 0, updated: 0 });
    expect(report.users).toMatchObject({ created: 0, updated: 0 });
    expect(report.users.notes.join('\n')).not.toContain('disabled here');
    expect(report.tokens.notes.join('\n')).not.toContain('disabled here');
    expect(await scalar(api, `SELECT status AS v FROM tokens WHERE name = 'second'`)).toBe('active');
    expect(await scalar(api, `SELECT status AS v FROM tokens WHERE name = 'carol'`)).toBe('disabled');
  });

  it('a channel deleted in NewAPI stops routing after the re-run: disabled, not deleted, once', async () => {
    // NewAPI deletes a channel's row; its model then has no channel there.
    const channelGone = await changedSqliteSource(revoked, [`DELETE FROM channels WHERE id = 1`]);
    // 'second' was enabled again by hand above and is still allowed to call.
    await expect(chat(SECOND_KEY)).resolves.toMatchObject({ object: 'chat.completion' });
    const dry = (
      await request(api.url)
        .post('/api/imports/newapi')
        .set('authorization', `Bearer ${admin}`)
        .field('dryRun', 'true')
        .attach('file', Buffer.from(channelGone), 'one-api.db')
        .expect(200)
    ).body as { channels: KindReport };
    expect(dry.channels.notes).toContain(
      'channel #1: imported by an earlier run and no longer in the source; disabled here',
    );
    await expect(chat(SECOND_KEY)).resolves.toMatchObject({ object: 'chat.completion' });

    await upload(channelGone);
    expect(await scalar(api, `SELECT status AS v FROM channels WHERE name = 'OpenAI 主渠道'`)).toBe(
      'disabled',
    );
    await expect(chat(SECOND_KEY)).rejects.toBeInstanceOf(OpenAI.NotFoundError);

    // Enabled again by hand, it stays enabled through the next run.
    const channelId = await scalar(api, `SELECT id AS v FROM channels WHERE name = 'OpenAI 主渠道'`);
    await request(api.url)
      .patch(`/api/channels/${channelId}`)
      .set('authorization', `Bearer ${admin}`)
      .send({ status: 'enabled' })
      .expect(200);
    const again = (
      await request(api.url)
        .post('/api/imports/newapi')
        .set('authorization', `Bearer ${admin}`)
        .field('dryRun', 'false')
        .attach('file', Buffer.from(channelGone), 'one-api.db')
        .expect(200)
    ).body as { channels: KindReport };
    expect(again.channels.notes.join('\n')).not.toContain('no longer in the source');
    expect(await scalar(api, `SELECT status AS v FROM channels WHERE name = 'OpenAI 主渠道'`)).toBe(
      'enabled',
    );
  });

  it('a price or group multiplier an operator changed after the import stays through re-runs', async () => {
    const price = async (model: string) =>
      (
        (
          await request(api.url)
            .get(`/api/models/${model}/price`)
            .set('authorization', `Bearer ${admin}`)
            .expect(200)
        ).body as { inputPer1M: string; outputPer1M: string }
      ).inputPer1M;
    const multiplier = async (group: string) =>
      (
        (
          await request(api.url)
            .get(`/api/groups/${group}/multiplier`)
            .set('authorization', `Bearer ${admin}`)
            .expect(200)
        ).body as { multiplier: string }
      ).multiplier;
    type Rerun = {
      prices: { set: { model: string }[]; wouldSet?: string[]; kept: { model: string; reason: string }[] };
      groups: { group: string; outcome: string; reason?: string }[];
    };
    const rerun = async (bytes: Uint8Array, dryRun = false) =>
      (
        await request(api.url)
          .post('/api/imports/newapi')
          .set('authorization', `Bearer ${admin}`)
          .field('dryRun', String(dryRun))
          .attach('file', Buffer.from(bytes), 'one-api.db')
          .expect(200)
      ).body as Rerun;
    // ModelRatio 0.075 and 1.25 (× $2 per 1M): what the earlier runs set.
    expect(await price('gpt-4o-mini')).toBe('0.15');
    expect(await price('gpt-4o')).toBe('2.5');
    expect(await multiplier('vip')).toBe('0.8');
    // The operator, now running the shop here, changes one price and one group's multiplier.
    await request(api.url)
      .put('/api/models/gpt-4o-mini/price')
      .set('authorization', `Bearer ${admin}`)
      .send({ inputPer1M: '0.2', outputPer1M: '0.8' })
      .expect(200);
    await request(api.url)
      .put('/api/groups/vip/multiplier')
      .set('authorization', `Bearer ${admin}`)
      .send({ multiplier: '0.7' })
      .expect(200);

    // A re-run (for the users who signed up there meanwhile) of a source whose prices did not change.
    const same = await rerun(revoked);
    expect(await price('gpt-4o-mini')).toBe('0.2');
    expect(await multiplier('vip')).toBe('0.7');
    expect(same.prices.set).toEqual([]);
    expect(same.prices.kept).toEqual([
      {
        model: 'gpt-4o-mini',
        reason: 'changed here since the last import, and not in the source: left as set here',
      },
    ]);
    expect(same.groups.find((row) => row.group === 'vip')).toMatchObject({
      outcome: 'kept',
      reason: 'changed here (to 0.7) since the last import, and not in the source: left as set here',
    });

    // The shop still changed prices there: one the operator left alone here follows the source;
    // one changed on both sides stays as set here, and the report says to check it.
    const repriced = await changedSqliteSource(revoked, [
      `UPDATE options SET value = '{"gpt-4o-mini":0.125,"gpt-4o":2.5}' WHERE key = 'ModelRatio'`,
      `UPDATE options SET value = '{"default":1,"vip":0.9,"free":0,"svip":0.5}' WHERE key = 'GroupRatio'`,
    ]);
    // A dry run first says what the run will set and keep, and changes nothing.
    const dry = await rerun(repriced, true);
    expect(dry.prices.set).toEqual([]);
    expect(dry.prices.wouldSet).toEqual(['gpt-4o']);
    expect(dry.prices.kept).toEqual([
      {
        model: 'gpt-4o-mini',
        reason: 'changed here and in the source since the last import: left as set here, check it',
      },
    ]);
    expect(await price('gpt-4o')).toBe('2.5');
    const changed = await rerun(repriced);
    expect(changed.prices.wouldSet).toBeUndefined();
    expect(await price('gpt-4o')).toBe('5');
    expect(await price('gpt-4o-mini')).toBe('0.2');
    expect(changed.prices.set.map((row) => row.model)).toEqual(['gpt-4o']);
    expect(changed.prices.kept).toEqual([
      {
        model: 'gpt-4o-mini',
        reason: 'changed here and in the source since the last import: left as set here, check it',
      },
    ]);
    expect(await multiplier('vip')).toBe('0.7');
    expect(await multiplier('svip')).toBe('0.5');
    expect(changed.groups.find((row) => row.group === 'vip')).toMatchObject({
      outcome: 'kept',
      reason: 'changed here (to 0.7) and in the source since the last import: left as set here, check it',
    });
  });

  it('two source groups that differ only in case are one group here: skipped, not set to either by turns', async () => {
    // NewAPI's groups are case-sensitive; here a group is lower case, so "Gold" and "gold" (with
    // their users) are one. Which ratio is right is the operator's call: neither is set, on any run.
    const cased = await changedSqliteSource(revoked, [
      `UPDATE options SET value = '{"default":1,"Gold":2,"gold":3,"Silver":1.5,"silver":1.50}' WHERE key = 'GroupRatio'`,
    ]);
    type Groups = { groups: { group: string; multiplier: string; outcome: string; reason?: string }[] };
    const run = async (dryRun: boolean) =>
      (
        (
          await request(api.url)
            .post('/api/imports/newapi')
            .set('authorization', `Bearer ${admin}`)
            .field('dryRun', String(dryRun))
            .attach('file', Buffer.from(cased), 'one-api.db')
            .expect(200)
        ).body as Groups
      ).groups;
    const multiplier = async (group: string) =>
      (
        (
          await request(api.url)
            .get(`/api/groups/${group}/multiplier`)
            .set('authorization', `Bearer ${admin}`)
            .expect(200)
        ).body as { multiplier: string }
      ).multiplier;
    const reason =
      'the source names Gold and gold, one group here (names are lower case): set its multiplier by hand';
    for (const dryRun of [true, false, false, false]) {
      const groups = await run(dryRun);
      expect(groups.filter((row) => row.group === 'gold')).toEqual([
        { group: 'gold', multiplier: '2', outcome: 'skipped', reason },
      ]);
      expect(await multiplier('gold')).toBe('1');
      // The same ratio under two spellings is one ratio: named once, set once.
      expect(groups.filter((row) => row.group === 'silver')).toHaveLength(1);
    }
    expect(await multiplier('silver')).toBe('1.5');
  });

  it('a cache-write or audio price an operator added after the import also counts as changed here', async () => {
    const path = '/api/models/gpt-4o/price';
    const stored = async () =>
      (await request(api.url).get(path).set('authorization', `Bearer ${admin}`).expect(200)).body as Record<
        string,
        string | null
      >;
    const imported = await stored();
    // The operator adds what NewAPI has no ratio for: a cache-write price, the rest as imported.
    await request(api.url)
      .put(path)
      .set('authorization', `Bearer ${admin}`)
      .send({
        inputPer1M: imported['inputPer1M'],
        cachedInputPer1M: imported['cachedInputPer1M'],
        outputPer1M: imported['outputPer1M'],
        cacheWritePer1M: '3.125',
      })
      .expect(200);
    // Then the shop changes gpt-4o's ratio there.
    const repriced = await changedSqliteSource(revoked, [
      `UPDATE options SET value = '{"gpt-4o-mini":0.075,"gpt-4o":1.5}' WHERE key = 'ModelRatio'`,
    ]);
    const report = (
      await request(api.url)
        .post('/api/imports/newapi')
        .set('authorization', `Bearer ${admin}`)
        .field('dryRun', 'false')
        .attach('file', Buffer.from(repriced), 'one-api.db')
        .expect(200)
    ).body as { prices: { set: { model: string }[]; kept: { model: string; reason: string }[] } };
    expect(report.prices.set.map((row) => row.model)).not.toContain('gpt-4o');
    expect(report.prices.kept).toContainEqual({
      model: 'gpt-4o',
      reason: 'changed here and in the source since the last import: left as set here, check it',
    });
    expect(await stored()).toMatchObject({ inputPer1M: imported['inputPer1M'], cacheWritePer1M: '3.125' });
  });
});
