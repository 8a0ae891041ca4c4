// A user who may no longer act for a tenant loses their /v1 keys at once, on every api process:
// deleted, disabled, made finance or moved to another tenant, each token they hold is revoked in the
// same transaction, the other process's warm cache drops it, and the token list says why.
import { Role, User } from '@gateway/identity';
import { waitFor } from '@gateway/testing';
import { Token } from '@gateway/tokens';
import OpenAI from 'openai';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { ApiHarness, Replica, startApi, startReplica, tokenInvalidationsHeard } from '../api-harness';
import { login, seedTenant, seedUser, Session, sessionAs } from '../fixtures';

describe('tokens of a user who may no longer hold them', () => {
  let api: ApiHarness;
  let second: Replica;
  let tenantId: string;
  let owner: Session;
  let superAdmin: Session;

  /** A member with two tokens, each already cached by both processes. */
  const memberWithTokens = async (): Promise<{ user: User; keys: string[]; ids: string[] }> => {
    const session = await login(api, await seedUser(api, Role.Member, tenantId));
    const ids: string[] = [];
    const keys: string[] = [];
    for (const name of ['laptop', 'ci']) {
      const body = (await session.post('/api/tokens', { name }).expect(201)).body as {
        id: string;
        key: string;
      };
      ids.push(body.id);
      keys.push(body.key);
      for (const url of [api.url, second.url]) await models(url, body.key).expect(200);
    }
    return { user: session.user, keys, ids };
  };
  const models = (url: string, key: string) =>
    request(url).get('/v1/models').set('authorization', `Bearer ${key}`);

  /** Process B (which did not make the change) refuses every key within a second. */
  const refusedEverywhere = async (keys: string[]) => {
    const other = second.url;
    for (const key of keys) {
      await waitFor(
        'process B to refuse the key',
        async () => ((await models(other, key)).status === 401 ? true : undefined),
        1_000,
        10,
      );
      const res = await models(api.url, key).expect(401);
      expect(res.body).toMatchObject({ error: { code: 'invalid_api_key' } });
      const sdk = new OpenAI({ apiKey: key, baseURL: `${second.url}/v1`, maxRetries: 0 });
      await expect(sdk.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    }
  };

  const shownReason = async (ids: string[], reason: string) => {
    for (const id of ids) {
      const res = await superAdmin.get(`/api/tokens/${id}`).expect(200);
      expect(res.body).toMatchObject({ status: 'revoked', revokedReason: reason });
    }
    const list = await superAdmin.get(`/api/tokens?tenantId=${tenantId}&pageSize=100`).expect(200);
    const listed = (list.body as { items: { id: string; revokedReason: string | null }[] }).items;
    expect(listed.filter((t) => ids.includes(t.id)).map((t) => t.revokedReason)).toEqual([reason, reason]);
  };

  beforeAll(async () => {
    api = await startApi('token-revocation');
    second = await startReplica(api);
    tenantId = (await seedTenant(api)).id;
    owner = await sessionAs(api, Role.Owner, tenantId);
    superAdmin = await sessionAs(api, Role.SuperAdmin, null);
    await tokenInvalidationsHeard(api.app, second.app);
  });
  afterAll(async () => {
    await second.close();
    await api.close();
  });

  it('a deleted user: owner_removed', async () => {
    const { user, keys, ids } = await memberWithTokens();
    await owner.delete(`/api/users/${user.id}`).expect(204);
    await refusedEverywhere(keys);
    await shownReason(ids, 'owner_removed');
  });

  it('a disabled user: owner_disabled, and enabling them again does not bring the keys back', async () => {
    const { user, keys, ids } = await memberWithTokens();
    await owner.patch(`/api/users/${user.id}`, { disabled: true }).expect(200);
    await refusedEverywhere(keys);
    await shownReason(ids, 'owner_disabled');
    await owner.patch(`/api/users/${user.id}`, { disabled: false }).expect(200);
    await models(second.url, keys[0]!).expect(401);
    const res = await owner.patch(`/api/tokens/${ids[0]}`, { status: 'active' }).expect(409);
    expect(res.body).toMatchObject({ code: 'token_revoked' });
    await models(api.url, keys[0]!).expect(401);
  });

  it('a user demoted to finance (who may hold no /v1 key): owner_role_finance', async () => {
    const { user, keys, ids } = await memberWithTokens();
    await owner.patch(`/api/users/${user.id}`, { role: 'finance' }).expect(200);
    await refusedEverywhere(keys);
    await shownReason(ids, 'owner_role_finance');
  });

  it('a user moved to another tenant: owner_moved', async () => {
    const { user, keys, ids } = await memberWithTokens();
    const elsewhere = await seedTenant(api);
    await superAdmin.patch(`/api/users/${user.id}`, { tenantId: elsewhere.id }).expect(200);
    await refusedEverywhere(keys);
    await shownReason(ids, 'owner_moved');
  });

  it('leaves other users’ tokens and unrelated changes alone', async () => {
    const kept = await memberWithTokens();
    const gone = await memberWithTokens();
    await owner.patch(`/api/users/${kept.user.id}`, { name: 'Renamed' }).expect(200);
    await owner.patch(`/api/users/${gone.user.id}`, { disabled: true }).expect(200);
    await refusedEverywhere(gone.keys);
    for (const key of kept.keys) await models(second.url, key).expect(200);
    const rows = await api.app.get(DataSource).getRepository(Token).findBy({ userId: kept.user.id });
    expect(rows.map((t) => [t.status, t.revokedReason])).toEqual([
      ['active', null],
      ['active', null],
    ]);
  });

  it('a user being disabled cannot be issued a token that outlives the revocation', async () => {
    const session = await login(api, await seedUser(api, Role.Member, tenantId));
    const [created] = await Promise.all([
      session.post('/api/tokens', { name: 'racing' }),
      owner.patch(`/api/users/${session.user.id}`, { disabled: true }).expect(200),
    ]);
    const rows = await api.app.get(DataSource).getRepository(Token).findBy({ userId: session.user.id });
    expect(rows.every((t) => t.status === 'revoked')).toBe(true);
    if (created.status === 201) await models(second.url, (created.body as { key: string }).key).expect(401);
  });
});
