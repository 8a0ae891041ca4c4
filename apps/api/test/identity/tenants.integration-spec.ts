// /api/tenants over real HTTP: who may list, create, read and change tenants, what is validated, and
// what disabling a tenant does to its members.
import {
  EDITABLE_TENANT_FIELDS,
  Role,
  ROLES,
  TENANT_ADMIN_ROLES,
  TENANT_EDITOR_ROLES,
  TENANT_FIELDS,
  Tenant,
} from '@gateway/identity';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ApiHarness, startApi } from '../api-harness';
import { login, seedTenant, seedUser, Session, sessionAs } from '../fixtures';

const TENANT_ROLES = ROLES.filter((r) => r !== Role.SuperAdmin);
const fieldsOf = (body: { errors?: { field: string }[] }) => (body.errors ?? []).map((e) => e.field).sort();

describe('/api/tenants', () => {
  let api: ApiHarness;
  let tenantA: Tenant;
  let tenantB: Tenant;
  let root: Session;
  const inA = {} as Record<Role, Session>;

  beforeAll(async () => {
    api = await startApi('identity-tenants');
    tenantA = await seedTenant(api);
    tenantB = await seedTenant(api);
    root = await sessionAs(api, Role.SuperAdmin, null);
    for (const role of ROLES)
      inA[role] = role === Role.SuperAdmin ? root : await sessionAs(api, role, tenantA.id);
  });
  afterAll(async () => {
    await api.close();
  });

  describe('create and list (super admin)', () => {
    it('creates a tenant with defaults and a balance of 0 (its ledger is empty)', async () => {
      const res = await root.post('/api/tenants', { name: 'Acme Defaults' }).expect(201);
      expect(res.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        name: 'Acme Defaults',
        billingProfile: null,
        group: 'default',
        timezone: 'UTC',
        billingEmail: null,
        status: 'active',
        createdAt: expect.any(String),
        balanceUsd: '0',
      });
      const read = await root.get(`/api/tenants/${res.body.id}`).expect(200);
      expect(read.body).toEqual(res.body);
    });

    it('takes group, a time zone (stored canonically) and a billing email', async () => {
      const res = await root
        .post('/api/tenants', {
          name: 'Acme Full',
          group: 'vip_1',
          timezone: 'europe/paris',
          billingEmail: 'Billing@Acme.test',
        })
        .expect(201);
      expect(res.body).toMatchObject({
        group: 'vip_1',
        timezone: 'Europe/Paris',
        billingEmail: 'billing@acme.test',
      });
    });

    it('stores a time zone alias as the IANA zone it names (UTC for every spelling of it)', async () => {
      const res = await root
        .post('/api/tenants', { name: 'Alias Zone', timezone: 'asia/kolkata' })
        .expect(201);
      expect(res.body.timezone).toBe('Asia/Kolkata');
      const patched = await root.patch(`/api/tenants/${res.body.id}`, { timezone: 'US/Pacific' }).expect(200);
      expect(patched.body.timezone).toBe('America/Los_Angeles');
      const utc = await root.patch(`/api/tenants/${res.body.id}`, { timezone: 'Etc/UTC' }).expect(200);
      expect(utc.body.timezone).toBe('UTC');
    });

    it('refuses a second tenant with the same name: 409 conflict', async () => {
      await root.post('/api/tenants', { name: 'Twice' }).expect(201);
      const res = await root.post('/api/tenants', { name: 'Twice' }).expect(409);
      expect(res.body).toMatchObject({ statusCode: 409, code: 'conflict' });
    });

    it.each([
      [{ name: 'tz', timezone: 'Mars/Olympus' }, ['timezone']],
      [{ name: 'tz2', timezone: '+05:00' }, ['timezone']],
      [{ name: 'grp', group: 'Not Allowed' }, ['group']],
      [{ name: 'grp2', group: 'x'.repeat(65) }, ['group']],
      [{ name: 'mail', billingEmail: 'not-an-email' }, ['billingEmail']],
      [{ name: '   ' }, ['name']],
      [{}, ['name']],
      [{ name: 'extra', balanceUsd: '10' }, ['balanceUsd']],
      [{ name: 42, timezone: 7, group: null }, ['group', 'name', 'timezone']],
    ])('bad input %j → 400 naming %j', async (body, fields) => {
      const res = await root.post('/api/tenants', body).expect(400);
      expect(res.body.code).toBe('validation_failed');
      expect(fieldsOf(res.body)).toEqual(fields);
    });

    it('lists every tenant, paginated', async () => {
      const all = await root.get('/api/tenants?pageSize=200').expect(200);
      const ids = (all.body.items as Tenant[]).map((t) => t.id);
      expect(ids).toEqual(expect.arrayContaining([tenantA.id, tenantB.id]));
      expect(all.body.total).toBe(ids.length);
      const page = await root.get('/api/tenants?page=2&pageSize=1').expect(200);
      expect(page.body.items).toHaveLength(1);
      expect(page.body.items[0].id).toBe(ids[1]);
      expect(page.body.total).toBe(all.body.total);
    });

    it.each([['pageSize=0'], ['pageSize=201'], ['page=0'], ['page=abc'], ['sort=name']])(
      'a bad list query (%s) → 400',
      async (query) => {
        await root.get(`/api/tenants?${query}`).expect(400);
      },
    );

    it.each(ROLES.map((role) => [role, TENANT_ADMIN_ROLES.includes(role)] as const))(
      '%s may list and create tenants: %s',
      async (role, allowed) => {
        const session = inA[role];
        await session.get('/api/tenants').expect(allowed ? 200 : 403);
        await session.post('/api/tenants', { name: `by-${role}` }).expect(allowed ? 201 : 403);
      },
    );
  });

  describe('read one', () => {
    it.each(TENANT_ROLES)('a %s reads their own tenant, and gets 404 for another', async (role) => {
      const own = await inA[role].get(`/api/tenants/${tenantA.id}`).expect(200);
      expect(own.body).toMatchObject({ id: tenantA.id, name: tenantA.name });
      const other = await inA[role].get(`/api/tenants/${tenantB.id}`).expect(404);
      expect(other.body).toMatchObject({ code: 'not_found' });
    });

    it('a super admin reads any tenant; an unknown or non-UUID id is 404', async () => {
      await root.get(`/api/tenants/${tenantB.id}`).expect(200);
      await root.get(`/api/tenants/${randomUUID()}`).expect(404);
      await root.get('/api/tenants/not-a-uuid').expect(404);
      await inA[Role.Owner].get('/api/tenants/1').expect(404);
    });
  });

  describe('change', () => {
    const changes: Record<(typeof TENANT_FIELDS)[number], () => unknown> = {
      name: () => `renamed-${randomUUID().slice(0, 8)}`,
      group: () => 'changed_group',
      timezone: () => 'Asia/Tokyo',
      billingEmail: () => 'finance@example.test',
      status: () => 'active',
      billingProfile: () => ({
        legalName: '北京示例科技有限公司',
        address: '北京市海淀区 1 号',
        country: 'CN',
        taxId: '91110000MA00000000',
        email: 'ap@example.cn',
        currency: 'CNY',
        language: 'zh-CN',
      }),
    };

    // The table comes from the exported rules: every role × every field, on the role's own tenant.
    const cases = ROLES.flatMap((role) =>
      TENANT_FIELDS.map(
        (field) =>
          [
            role,
            field,
            TENANT_EDITOR_ROLES.includes(role) && EDITABLE_TENANT_FIELDS[role].includes(field),
          ] as const,
      ),
    );
    it.each(cases)('a %s changing %s of their own tenant: allowed=%s', async (role, field, allowed) => {
      const tenant = await seedTenant(api, { status: 'active' });
      const session = role === Role.SuperAdmin ? root : await sessionAs(api, role, tenant.id);
      const value = field === 'status' ? 'disabled' : changes[field]();
      const res = await session.patch(`/api/tenants/${tenant.id}`, { [field]: value });
      expect(res.status).toBe(allowed ? 200 : 403);
      const stored = await api.app.get(DataSource).getRepository(Tenant).findOneByOrFail({ id: tenant.id });
      if (allowed) expect(stored[field]).toEqual(value);
      else {
        expect(stored[field]).toEqual(tenant[field]);
        if (EDITABLE_TENANT_FIELDS[role].length > 0) expect(res.body.message).toContain(field);
      }
    });

    it('an owner may send group and status back unchanged (a PATCH of what they read)', async () => {
      const read = await inA[Role.Owner].get(`/api/tenants/${tenantA.id}`).expect(200);
      const { group, status, timezone } = read.body;
      await inA[Role.Owner].patch(`/api/tenants/${tenantA.id}`, { group, status, timezone }).expect(200);
    });

    it('an owner of A gets 404 for tenant B, and B is untouched', async () => {
      const res = await inA[Role.Owner].patch(`/api/tenants/${tenantB.id}`, { name: 'hijacked' }).expect(404);
      expect(res.body.code).toBe('not_found');
      const stored = await api.app.get(DataSource).getRepository(Tenant).findOneByOrFail({ id: tenantB.id });
      expect(stored.name).toBe(tenantB.name);
      await inA[Role.Owner].patch('/api/tenants/nope', { name: 'x' }).expect(404);
    });

    it('validates like create, and a name already taken is 409', async () => {
      const bad = await root
        .patch(`/api/tenants/${tenantB.id}`, {
          timezone: 'Nowhere/Land',
          status: 'paused',
          name: null,
          id: 'x',
        })
        .expect(400);
      expect(fieldsOf(bad.body)).toEqual(['id', 'name', 'status', 'timezone']);
      const taken = await root.patch(`/api/tenants/${tenantB.id}`, { name: tenantA.name }).expect(409);
      expect(taken.body.code).toBe('conflict');
    });

    it('billingEmail: null clears it', async () => {
      const tenant = await seedTenant(api, { billingEmail: 'a@b.test' });
      const res = await root.patch(`/api/tenants/${tenant.id}`, { billingEmail: null }).expect(200);
      expect(res.body.billingEmail).toBeNull();
    });
  });

  describe('a disabled tenant', () => {
    it('logs its members out and refuses their logins until it is enabled again', async () => {
      const tenant = await seedTenant(api);
      const member = await seedUser(api, Role.Member, tenant.id);
      const session = await login(api, member);
      const other = await sessionAs(api, Role.Member, tenantB.id);
      await session.get('/api/auth/me').expect(200);

      await root.patch(`/api/tenants/${tenant.id}`, { status: 'disabled' }).expect(200);
      await session.get('/api/auth/me').expect(401);
      const refused = await api.http
        .post('/api/auth/login')
        .set('x-forwarded-for', '192.0.2.10')
        .send({ email: member.email, password: 'fixture-password-1' })
        .expect(401);
      expect(refused.body.code).toBe('invalid_credentials');
      await other.get('/api/auth/me').expect(200);

      await root.patch(`/api/tenants/${tenant.id}`, { status: 'active' }).expect(200);
      await login(api, member);
    });

    it('stops a session even when the flag is set behind the API’s back', async () => {
      const tenant = await seedTenant(api);
      const session = await sessionAs(api, Role.Owner, tenant.id);
      await api.app.get(DataSource).getRepository(Tenant).update({ id: tenant.id }, { status: 'disabled' });
      await session.get('/api/auth/me').expect(401);
    });
  });
});
