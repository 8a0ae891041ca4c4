// /api/tokens over real HTTP, Postgres and Redis: the key shown once, validation, roles, tenant
// isolation and the audit trail.
import { createHash } from 'node:crypto';
import { AuditLog } from '@gateway/audit';
import { Role, Tenant } from '@gateway/identity';
import { Token } from '@gateway/tokens';
import { DataSource } from 'typeorm';
import { ApiHarness, startApi } from '../api-harness';
import { seedTenant, Session, sessionAs } from '../fixtures';

interface TokenBody {
  id: string;
  tenantId: string;
  userId: string | null;
  name: string;
  maskedKey: string;
  key?: string;
  quotaUsd: string | null;
  usedUsd: string;
  expiresAt: string | null;
  models: string[];
  ipAllowlist: string[];
  rpm: number | null;
  tpm: number | null;
  status: string;
  revokedReason: string | null;
  lastUsedAt: string | null;
  createdAt: string;
}

const FUTURE = new Date(Date.now() + 30 * 24 * 3600_000).toISOString();
const MISSING_ID = '00000000-0000-4000-8000-000000000000';

describe('/api/tokens', () => {
  let api: ApiHarness;
  let db: DataSource;
  let tenantA: Tenant;
  let tenantB: Tenant;
  let ownerA: Session;
  let adminA: Session;
  let memberA: Session;
  let otherMemberA: Session;
  let financeA: Session;
  let ownerB: Session;
  let superAdmin: Session;

  const create = async (session: Session, body: object = {}): Promise<TokenBody> =>
    (await session.post('/api/tokens', { name: 'a token', ...body }).expect(201)).body as TokenBody;
  const tokenRow = (id: string) => db.getRepository(Token).findOneByOrFail({ id });
  const tokenCount = () => db.getRepository(Token).count();

  beforeAll(async () => {
    api = await startApi('tokens');
    db = api.app.get(DataSource);
    tenantA = await seedTenant(api);
    tenantB = await seedTenant(api);
    [ownerA, adminA, memberA, otherMemberA, financeA, ownerB, superAdmin] = await Promise.all([
      sessionAs(api, Role.Owner, tenantA.id),
      sessionAs(api, Role.Admin, tenantA.id),
      sessionAs(api, Role.Member, tenantA.id),
      sessionAs(api, Role.Member, tenantA.id),
      sessionAs(api, Role.Finance, tenantA.id),
      sessionAs(api, Role.Owner, tenantB.id),
      sessionAs(api, Role.SuperAdmin, null),
    ]);
  });
  afterAll(async () => {
    await api.close();
  });

  describe('create, read, update, delete', () => {
    it('creates a token, shows its key once, and keeps only the key’s SHA-256', async () => {
      const res = await ownerA
        .post('/api/tokens', {
          name: 'CI pipeline',
          quotaUsd: '1.5',
          expiresAt: FUTURE,
          models: ['gpt-4o', 'claude-sonnet-4', 'gpt-4o'],
          ipAllowlist: ['10.0.0.0/8', '203.0.113.7', '2001:DB8::/32', '::ffff:10.1.2.3'],
          rpm: 60,
          tpm: 100_000,
        })
        .expect(201);
      const created = res.body as TokenBody;
      const key = created.key!;
      expect(key).toMatch(/^sk-[0-9A-Za-z]{48}$/);
      expect(created).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        tenantId: tenantA.id,
        userId: ownerA.user.id,
        name: 'CI pipeline',
        key,
        maskedKey: `sk-…${key.slice(-4)}`,
        quotaUsd: '1.5',
        usedUsd: '0',
        expiresAt: FUTURE,
        models: ['gpt-4o', 'claude-sonnet-4'],
        ipAllowlist: ['10.0.0.0/8', '203.0.113.7/32', '2001:db8::/32', '::ffff:10.1.2.3/128'],
        rpm: 60,
        tpm: 100_000,
        status: 'active',
        revokedReason: null,
        lastUsedAt: null,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });

      const row = await tokenRow(created.id);
      expect(row.keyHash).toBe(createHash('sha256').update(key).digest('hex'));
      expect(row.keyHint).toBe(key.slice(-4));
      expect(row.quotaNano).toBe(1_500_000_000n);
      const [raw] = (await db.query('SELECT * FROM tokens WHERE id = $1', [created.id])) as object[];
      expect(JSON.stringify(raw)).not.toContain(key.slice(3));

      const read = await ownerA.get(`/api/tokens/${created.id}`).expect(200);
      expect(read.body).toEqual({ ...created, key: undefined });
      expect(read.body).not.toHaveProperty('key');
      const list = await ownerA.get('/api/tokens').expect(200);
      expect((list.body as { items: TokenBody[] }).items.find((t) => t.id === created.id)).toEqual(read.body);
      for (const text of [read.text, list.text]) {
        expect(text).not.toContain(key.slice(3));
        expect(text).not.toContain(row.keyHash);
      }
    });

    it('fills in defaults: unlimited, never expires, any model, anywhere, active', async () => {
      const created = await create(ownerA, { name: 'minimal' });
      expect(created).toMatchObject({
        quotaUsd: null,
        expiresAt: null,
        models: [],
        ipAllowlist: [],
        rpm: null,
        tpm: null,
        status: 'active',
      });
    });

    it('gives every token its own key', async () => {
      const [a, b] = await Promise.all([create(ownerA), create(ownerA)]);
      expect(a.key).not.toBe(b.key);
    });

    it('moves the quota epoch on each time a quota is set on a token that had none, and only then', async () => {
      const epoch = async (id: string) => (await tokenRow(id)).quotaEpoch;
      const capped = await create(ownerA, { quotaUsd: '10' });
      const free = await create(ownerA);
      expect([await epoch(capped.id), await epoch(free.id)]).toEqual([0, 0]);
      const patch = (id: string, body: object) => ownerA.patch(`/api/tokens/${id}`, body).expect(200);
      await patch(capped.id, { quotaUsd: '20' }); // a quota changed: the same mirror goes on
      await patch(capped.id, { name: 'renamed' });
      expect(await epoch(capped.id)).toBe(0);
      await patch(capped.id, { quotaUsd: null }); // off: nothing counts its spend in Redis from here
      expect(await epoch(capped.id)).toBe(0);
      await patch(capped.id, { quotaUsd: '5' }); // on again: a new mirror, loaded from PostgreSQL
      expect(await epoch(capped.id)).toBe(1);
      await patch(free.id, { quotaUsd: '1' });
      expect(await epoch(free.id)).toBe(1);
      // Whatever writes the row: the trigger, not the service, keeps the rule.
      await db.query('UPDATE tokens SET quota_nano = NULL WHERE id = $1', [free.id]);
      await db.query('UPDATE tokens SET quota_nano = 7, quota_epoch = 0 WHERE id = $1', [free.id]);
      expect(await epoch(free.id)).toBe(2);
    });

    it('patches only the fields sent; null clears the nullable ones', async () => {
      const created = await create(ownerA, { quotaUsd: '10', expiresAt: FUTURE, rpm: 5, models: ['m1'] });
      const patched = await ownerA
        .patch(`/api/tokens/${created.id}`, {
          name: 'renamed',
          quotaUsd: null,
          rpm: null,
          status: 'disabled',
        })
        .expect(200);
      expect(patched.body).toMatchObject({
        id: created.id,
        name: 'renamed',
        quotaUsd: null,
        rpm: null,
        status: 'disabled',
        expiresAt: FUTURE,
        models: ['m1'],
        maskedKey: created.maskedKey,
      });
      expect(patched.body).not.toHaveProperty('key');
      const again = await ownerA
        .patch(`/api/tokens/${created.id}`, { expiresAt: null, quotaUsd: '0.000000001', models: [] })
        .expect(200);
      expect(again.body).toMatchObject({
        expiresAt: null,
        quotaUsd: '0.000000001',
        models: [],
        name: 'renamed',
      });
      expect((await tokenRow(created.id)).quotaNano).toBe(1n);
    });

    it('deletes a token: then it is gone, for reads, updates and a second delete', async () => {
      const created = await create(ownerA);
      await ownerA.delete(`/api/tokens/${created.id}`).expect(204);
      await ownerA.get(`/api/tokens/${created.id}`).expect(404);
      await ownerA.patch(`/api/tokens/${created.id}`, { name: 'x' }).expect(404);
      await ownerA.delete(`/api/tokens/${created.id}`).expect(404);
      expect(await db.getRepository(Token).existsBy({ id: created.id })).toBe(false);
    });

    it('pages lists', async () => {
      const tenant = await seedTenant(api);
      const owner = await sessionAs(api, Role.Owner, tenant.id);
      for (let i = 0; i < 3; i++) await create(owner, { name: `t${i}` });
      const page1 = await owner.get('/api/tokens?page=1&pageSize=2').expect(200);
      const page2 = await owner.get('/api/tokens?page=2&pageSize=2').expect(200);
      expect(page1.body.total).toBe(3);
      expect(page1.body.items).toHaveLength(2);
      expect(page2.body.items).toHaveLength(1);
      const names = [...page1.body.items, ...page2.body.items].map((t: TokenBody) => t.name).sort();
      expect(names).toEqual(['t0', 't1', 't2']);
      for (const bad of ['pageSize=0', 'pageSize=201', 'page=0', 'page=x']) {
        await owner.get(`/api/tokens?${bad}`).expect(400);
      }
    });
  });

  describe('validation: 400 naming the field, and nothing written', () => {
    const cases: [string, object, string][] = [
      ['a CIDR with a v4 prefix above 32', { ipAllowlist: ['10.0.0.0/8', '10.0.0.0/33'] }, 'ipAllowlist'],
      ['a CIDR with a v6 prefix above 128', { ipAllowlist: ['::1/129'] }, 'ipAllowlist'],
      ['something that is no IP', { ipAllowlist: ['not-an-ip'] }, 'ipAllowlist'],
      ['an allowlist that is no list', { ipAllowlist: '10.0.0.0/8' }, 'ipAllowlist'],
      ['a negative rpm', { rpm: -1 }, 'rpm'],
      ['a zero tpm', { tpm: 0 }, 'tpm'],
      ['a fractional rpm', { rpm: 1.5 }, 'rpm'],
      ['an rpm sent as a string', { rpm: '60' }, 'rpm'],
      ['an rpm beyond a Postgres integer', { rpm: 2 ** 31 }, 'rpm'],
      ['a quota sent as a number', { quotaUsd: 1.5 }, 'quotaUsd'],
      ['a negative quota', { quotaUsd: '-1' }, 'quotaUsd'],
      ['a quota in exponent notation', { quotaUsd: '1e3' }, 'quotaUsd'],
      ['a quota finer than a nano-dollar', { quotaUsd: '0.0000000001' }, 'quotaUsd'],
      ['a quota beyond a billion dollars', { quotaUsd: '1000000000.01' }, 'quotaUsd'],
      // The Redis mirror counts in Lua doubles, exact only to 2^53 nano-USD (about $9M).
      ['a quota the money mirror cannot hold exactly', { quotaUsd: '1000000.000000001' }, 'quotaUsd'],
      ['a quota past 2^53 nano-USD', { quotaUsd: '9007199.254740993' }, 'quotaUsd'],
      ['an expiry in the past', { expiresAt: '2020-01-01T00:00:00Z' }, 'expiresAt'],
      ['an expiry that is no date', { expiresAt: 'tomorrow' }, 'expiresAt'],
      ['too many models', { models: Array.from({ length: 201 }, (_, i) => `m${i}`) }, 'models'],
      ['a model name too long', { models: ['m'.repeat(201)] }, 'models'],
      ['a model that is no string', { models: [42] }, 'models'],
      ['an unknown status', { status: 'paused' }, 'status'],
      ['a tenant id that is no UUID', { tenantId: 'tenant-b' }, 'tenantId'],
      ['an unknown field', { owner: 'me' }, 'owner'],
      ['a userId (the owner is the creator)', { userId: MISSING_ID }, 'userId'],
      ['a keyHash', { keyHash: 'f'.repeat(64) }, 'keyHash'],
      ['a blank name', { name: '   ' }, 'name'],
      ['a name too long', { name: 'n'.repeat(101) }, 'name'],
    ];

    it.each(cases)('POST refuses %s', async (_what, body, field) => {
      const before = await tokenCount();
      const res = await ownerA.post('/api/tokens', { name: 'valid name', ...body }).expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, code: 'validation_failed' });
      expect((res.body.errors as { field: string }[]).map((e) => e.field)).toContain(field);
      expect(await tokenCount()).toBe(before);
    });

    it('POST names the offending allowlist entries', async () => {
      const res = await ownerA
        .post('/api/tokens', { name: 'n', ipAllowlist: ['10.0.0.0/8', '10.0.0.0/33', '::1/129'] })
        .expect(400);
      expect(res.body.message).toContain('"10.0.0.0/33"');
      expect(res.body.message).toContain('"::1/129"');
      expect(res.body.message).not.toContain('"10.0.0.0/8"');
    });

    it('POST refuses a body without a name, naming every bad field at once', async () => {
      const res = await ownerA.post('/api/tokens', { rpm: -1, quotaUsd: 1 }).expect(400);
      expect((res.body.errors as { field: string }[]).map((e) => e.field).sort()).toEqual([
        'name',
        'quotaUsd',
        'rpm',
      ]);
    });

    it('PATCH refuses the same, plus null for fields that cannot be unset, and a change of tenant', async () => {
      const created = await create(ownerA, { name: 'unchanged', rpm: 7 });
      const patchCases: [object, string][] = [
        [{ ipAllowlist: ['10.0.0.0/33'] }, 'ipAllowlist'],
        [{ rpm: -1 }, 'rpm'],
        [{ quotaUsd: 1.5 }, 'quotaUsd'],
        [{ quotaUsd: '-1' }, 'quotaUsd'],
        [{ expiresAt: '2001-01-01T00:00:00Z' }, 'expiresAt'],
        [{ name: null }, 'name'],
        [{ status: null }, 'status'],
        [{ models: null }, 'models'],
        [{ ipAllowlist: null }, 'ipAllowlist'],
        [{ tenantId: tenantB.id }, 'tenantId'],
        [{ surprise: true }, 'surprise'],
      ];
      for (const [body, field] of patchCases) {
        const res = await ownerA.patch(`/api/tokens/${created.id}`, body).expect(400);
        expect((res.body.errors as { field: string }[]).map((e) => e.field)).toContain(field);
      }
      const row = await tokenRow(created.id);
      expect(row).toMatchObject({ name: 'unchanged', rpm: 7, tenantId: tenantA.id, status: 'active' });
    });
  });

  describe('roles', () => {
    it('finance may not touch tokens at all: 403 on every route', async () => {
      const token = await create(ownerA);
      await financeA.get('/api/tokens').expect(403);
      await financeA.post('/api/tokens', { name: 'x' }).expect(403);
      await financeA.get(`/api/tokens/${token.id}`).expect(403);
      await financeA.patch(`/api/tokens/${token.id}`, { status: 'disabled' }).expect(403);
      await financeA.delete(`/api/tokens/${token.id}`).expect(403);
      expect((await tokenRow(token.id)).status).toBe('active');
    });

    it('a member owns what they create and sees, changes and deletes only that', async () => {
      const mine = await create(memberA, { name: 'mine' });
      expect(mine).toMatchObject({ tenantId: tenantA.id, userId: memberA.user.id });
      const theirs = await create(otherMemberA, { name: 'theirs' });
      const owners = await create(ownerA, { name: 'owners' });

      const list = await memberA.get('/api/tokens').expect(200);
      const items = list.body.items as TokenBody[];
      expect(items.map((t) => t.id)).toContain(mine.id);
      expect(items.every((t) => t.userId === memberA.user.id)).toBe(true);
      expect(list.body.total).toBe(items.length);

      for (const other of [theirs, owners]) {
        await memberA.get(`/api/tokens/${other.id}`).expect(404);
        await memberA.patch(`/api/tokens/${other.id}`, { status: 'disabled' }).expect(404);
        await memberA.delete(`/api/tokens/${other.id}`).expect(404);
        expect((await tokenRow(other.id)).status).toBe('active');
      }
      await memberA.get(`/api/tokens/${mine.id}`).expect(200);
      await memberA.patch(`/api/tokens/${mine.id}`, { name: 'still mine' }).expect(200);
      await memberA.delete(`/api/tokens/${mine.id}`).expect(204);
    });

    it('owners and admins manage every token of their tenant, members’ included', async () => {
      const members = await create(memberA, { name: 'member token' });
      const ofTenantA = (t: TokenBody) => t.tenantId === tenantA.id;
      for (const manager of [ownerA, adminA]) {
        const list = await manager.get('/api/tokens?pageSize=200').expect(200);
        const items = list.body.items as TokenBody[];
        expect(items.map((t) => t.id)).toContain(members.id);
        expect(items.every(ofTenantA)).toBe(true);
        await manager.get(`/api/tokens/${members.id}`).expect(200);
      }
      await adminA.patch(`/api/tokens/${members.id}`, { status: 'disabled' }).expect(200);
      const byAdmin = await create(adminA, { name: 'admin token' });
      expect(byAdmin.userId).toBe(adminA.user.id);
      await ownerA.delete(`/api/tokens/${byAdmin.id}`).expect(204);
      await ownerA.delete(`/api/tokens/${members.id}`).expect(204);
    });

    it('a super admin names the tenant on create, and sees every tenant or the one asked for', async () => {
      const refused = await superAdmin.post('/api/tokens', { name: 'where?' }).expect(400);
      expect(refused.body.code).toBe('tenant_required');
      const missing = await superAdmin
        .post('/api/tokens', { name: 'nowhere', tenantId: MISSING_ID })
        .expect(404);
      expect(missing.body.code).toBe('tenant_not_found');

      const inB = await create(superAdmin, { name: 'issued by the platform', tenantId: tenantB.id });
      expect(inB).toMatchObject({ tenantId: tenantB.id, userId: null });
      const inA = await create(ownerA, { name: 'a token of A' });

      const all = await superAdmin.get('/api/tokens?pageSize=200').expect(200);
      const allIds = (all.body.items as TokenBody[]).map((t) => t.id);
      expect(allIds).toEqual(expect.arrayContaining([inA.id, inB.id]));
      const onlyB = await superAdmin.get(`/api/tokens?tenantId=${tenantB.id}&pageSize=200`).expect(200);
      expect((onlyB.body.items as TokenBody[]).every((t) => t.tenantId === tenantB.id)).toBe(true);
      expect((onlyB.body.items as TokenBody[]).map((t) => t.id)).toContain(inB.id);

      await superAdmin.patch(`/api/tokens/${inA.id}`, { rpm: 10 }).expect(200);
      await ownerB.get(`/api/tokens/${inB.id}`).expect(200);
      await superAdmin.delete(`/api/tokens/${inB.id}`).expect(204);
    });
  });

  describe('tenant isolation', () => {
    it('tenant A cannot see, change or delete tenant B’s tokens, nor create in B', async () => {
      const ofB = await create(ownerB, { name: 'B secret', rpm: 3 });
      const ofA = await create(ownerA, { name: 'A token' });
      const ofTenantA = (t: TokenBody) => t.tenantId === tenantA.id;
      for (const session of [ownerA, adminA, memberA]) {
        await session.get(`/api/tokens/${ofB.id}`).expect(404);
        await session.patch(`/api/tokens/${ofB.id}`, { status: 'disabled', rpm: 1 }).expect(404);
        await session.delete(`/api/tokens/${ofB.id}`).expect(404);
        const list = await session.get('/api/tokens?pageSize=200').expect(200);
        expect((list.body.items as TokenBody[]).every(ofTenantA)).toBe(true);
        await session.get(`/api/tokens?tenantId=${tenantB.id}`).expect(404);
        const crossCreate = await session
          .post('/api/tokens', { name: 'in B', tenantId: tenantB.id })
          .expect(404);
        expect(crossCreate.body.code).toBe('not_found');
      }
      const listB = await ownerB.get('/api/tokens?pageSize=200').expect(200);
      expect((listB.body.items as TokenBody[]).map((t) => t.id)).not.toContain(ofA.id);
      await ownerB.get(`/api/tokens/${ofA.id}`).expect(404);
      expect(await tokenRow(ofB.id)).toMatchObject({ status: 'active', rpm: 3, name: 'B secret' });
      expect(await db.getRepository(Token).countBy({ name: 'in B' })).toBe(0);
    });

    it('a 404 for another tenant’s token looks exactly like one for a token that does not exist', async () => {
      const ofB = await create(ownerB);
      const foreign = await ownerA.get(`/api/tokens/${ofB.id}`).expect(404);
      const missing = await ownerA.get(`/api/tokens/${MISSING_ID}`).expect(404);
      expect(foreign.body).toEqual(missing.body);
    });

    it('answers 404 for an id that is no UUID', async () => {
      await ownerA.get('/api/tokens/not-a-uuid').expect(404);
      await ownerA.patch('/api/tokens/not-a-uuid', { name: 'x' }).expect(404);
      await ownerA.delete('/api/tokens/not-a-uuid').expect(404);
    });

    it('refuses anonymous callers', async () => {
      await api.http.get('/api/tokens').expect(401);
      await api.http.post('/api/tokens').send({ name: 'x' }).expect(401);
    });
  });

  describe('audit', () => {
    it('writes who created, changed and deleted a token, without its key or hash', async () => {
      const created = await create(adminA, { name: 'audited', rpm: 1 });
      const row = await tokenRow(created.id);
      await adminA.patch(`/api/tokens/${created.id}`, { rpm: 2 }).expect(200);
      await adminA.patch(`/api/tokens/${created.id}`, { rpm: 2 }).expect(200); // no change, no row
      await adminA.delete(`/api/tokens/${created.id}`).expect(204);

      const logs = await db
        .getRepository(AuditLog)
        .find({ where: { entityType: 'token', entityId: created.id }, order: { createdAt: 'ASC' } });
      expect(logs.map((log) => log.action)).toEqual(['create', 'update', 'delete']);
      for (const log of logs) {
        expect(log).toMatchObject({ actorUserId: adminA.user.id, tenantId: tenantA.id });
        const text = JSON.stringify(log);
        expect(text).not.toContain(created.key!.slice(3));
        expect(text).not.toContain(row.keyHash);
      }
      expect(logs[0]!.after).toMatchObject({ name: 'audited', rpm: 1 });
      expect(logs[1]!.before).toMatchObject({ rpm: 1 });
      expect(logs[1]!.after).toMatchObject({ rpm: 2 });
      expect(logs[2]!.before).toMatchObject({ name: 'audited', rpm: 2 });
    });
  });

  describe('OpenAPI', () => {
    it('documents every route with its DTOs', async () => {
      const doc = (await api.http.get('/api/openapi.json').expect(200)).body;
      expect(Object.keys(doc.paths['/api/tokens'])).toEqual(expect.arrayContaining(['get', 'post']));
      expect(Object.keys(doc.paths['/api/tokens/{id}'])).toEqual(
        expect.arrayContaining(['get', 'patch', 'delete']),
      );
      const schemas = doc.components.schemas;
      for (const name of [
        'CreateTokenDto',
        'UpdateTokenDto',
        'TokenView',
        'CreatedTokenView',
        'TokenListView',
      ]) {
        expect(schemas).toHaveProperty(name);
      }
      expect(Object.keys(schemas.CreateTokenDto.properties)).toEqual(
        expect.arrayContaining([
          'name',
          'quotaUsd',
          'expiresAt',
          'models',
          'ipAllowlist',
          'rpm',
          'tpm',
          'status',
          'tenantId',
        ]),
      );
      expect(schemas.CreatedTokenView.properties).toHaveProperty('key');
      expect(schemas.TokenView.properties).not.toHaveProperty('key');
    });
  });
});
