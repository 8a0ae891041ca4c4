// POST /api/auth/register: closed by default; when PUBLIC_REGISTRATION is on, a new tenant with the
// newcomer as its owner, created in one transaction, answered like a login.
import { AuditLog } from '@gateway/audit';
import { Tenant, User } from '@gateway/identity';
import { DataSource } from 'typeorm';
import { ApiHarness, startApi } from '../api-harness';
import { seedTenant } from '../fixtures';

const PASSWORD = 'a registration password';

describe('registration when PUBLIC_REGISTRATION is off (the default)', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi('identity-register-off');
  });
  afterAll(async () => {
    await api.close();
  });

  it('answers 403 registration_closed and creates nothing', async () => {
    const res = await api.http
      .post('/api/auth/register')
      .send({ email: 'closed@example.test', password: PASSWORD })
      .expect(403);
    expect(res.body).toMatchObject({ statusCode: 403, code: 'registration_closed' });
    const db = api.app.get(DataSource);
    expect(await db.getRepository(Tenant).count()).toBe(0);
    expect(await db.getRepository(User).existsBy({ email: 'closed@example.test' })).toBe(false);
  });

  it('every identity route is in the OpenAPI document, with its DTOs', async () => {
    const doc = await api.http.get('/api/openapi.json').expect(200);
    const paths = doc.body.paths as Record<string, Record<string, unknown>>;
    expect(Object.keys(paths['/api/tenants'] ?? {}).sort()).toEqual(['get', 'post']);
    expect(Object.keys(paths['/api/tenants/{id}'] ?? {}).sort()).toEqual(['get', 'patch']);
    expect(Object.keys(paths['/api/users'] ?? {}).sort()).toEqual(['get', 'post']);
    expect(Object.keys(paths['/api/users/{id}'] ?? {}).sort()).toEqual(['delete', 'get', 'patch']);
    expect(Object.keys(paths['/api/auth/register'] ?? {})).toEqual(['post']);
    const schemas = Object.keys(doc.body.components.schemas as object);
    expect(schemas).toEqual(
      expect.arrayContaining([
        'CreateTenantDto',
        'UpdateTenantDto',
        'TenantView',
        'TenantPage',
        'CreateUserDto',
        'UpdateUserDto',
        'UserView',
        'UserPage',
        'RegisterDto',
        'LoginResponse',
      ]),
    );
  });
});

describe('registration when PUBLIC_REGISTRATION is on', () => {
  let api: ApiHarness;
  let db: DataSource;
  beforeAll(async () => {
    api = await startApi('identity-register-on', { PUBLIC_REGISTRATION: 'true' });
    db = api.app.get(DataSource);
  });
  afterAll(async () => {
    await api.close();
  });

  it('creates a tenant and its owner, and logs them in (token and cookie)', async () => {
    const res = await api.http
      .post('/api/auth/register')
      .send({
        email: 'Founder@Example.test',
        password: PASSWORD,
        name: 'Fay Founder',
        tenantName: 'Founders Inc',
      })
      .expect(201);
    expect(res.body).toEqual({
      accessToken: expect.stringMatching(/^gws_/),
      expiresAt: expect.any(String),
      user: expect.objectContaining({ email: 'founder@example.test', name: 'Fay Founder', role: 'owner' }),
    });
    expect(String(res.headers['set-cookie'])).toContain(`gw_session=${res.body.accessToken}`);
    expect(JSON.stringify(res.body)).not.toContain('argon2');

    const tenant = await db.getRepository(Tenant).findOneByOrFail({ id: res.body.user.tenantId });
    expect(tenant).toMatchObject({ name: 'Founders Inc', status: 'active', group: 'default' });

    const auth = { authorization: `Bearer ${res.body.accessToken}` };
    const me = await api.http.get('/api/auth/me').set(auth).expect(200);
    expect(me.body).toMatchObject({ role: 'owner', tenantId: tenant.id });
    await api.http.get(`/api/tenants/${tenant.id}`).set(auth).expect(200);
    const users = await api.http.get('/api/users').set(auth).expect(200);
    expect(users.body.total).toBe(1);
    await api.http
      .post('/api/auth/login')
      .send({ email: 'founder@example.test', password: PASSWORD })
      .expect(200);
  });

  it('the new owner sees nothing of other tenants', async () => {
    const other = await seedTenant(api);
    const res = await api.http
      .post('/api/auth/register')
      .send({ email: 'nosy@example.test', password: PASSWORD })
      .expect(201);
    const auth = { authorization: `Bearer ${res.body.accessToken}` };
    await api.http.get(`/api/tenants/${other.id}`).set(auth).expect(404);
    await api.http.get(`/api/users?tenantId=${other.id}`).set(auth).expect(404);
    await api.http.get('/api/tenants').set(auth).expect(403);
  });

  it('derives the tenant name from the email, and makes a taken name unique', async () => {
    const first = await api.http
      .post('/api/auth/register')
      .send({ email: 'sam@one.test', password: PASSWORD })
      .expect(201);
    const second = await api.http
      .post('/api/auth/register')
      .send({ email: 'sam@two.test', password: PASSWORD })
      .expect(201);
    const third = await api.http
      .post('/api/auth/register')
      .send({ email: 'other@three.test', password: PASSWORD, tenantName: 'sam' })
      .expect(201);
    const names = await Promise.all(
      [first, second, third].map(
        async (r) => (await db.getRepository(Tenant).findOneByOrFail({ id: r.body.user.tenantId })).name,
      ),
    );
    expect(names[0]).toBe('sam');
    expect(names[1]).toMatch(/^sam-[0-9a-f]{6}$/);
    expect(names[2]).toMatch(/^sam-[0-9a-f]{6}$/);
    expect(new Set(names).size).toBe(3);
  });

  it('an email already registered is 409, and no stray tenant is left behind', async () => {
    await api.http
      .post('/api/auth/register')
      .send({ email: 'twice@example.test', password: PASSWORD })
      .expect(201);
    const tenants = await db.getRepository(Tenant).count();
    const res = await api.http
      .post('/api/auth/register')
      .send({ email: 'TWICE@example.test', password: PASSWORD, tenantName: 'Second Try' })
      .expect(409);
    expect(res.body.code).toBe('conflict');
    expect(await db.getRepository(Tenant).count()).toBe(tenants);
  });

  it('writes audit rows for the tenant and the user, without secrets', async () => {
    const res = await api.http
      .post('/api/auth/register')
      .send({ email: 'audited@example.test', password: PASSWORD })
      .expect(201);
    const rows = await db.getRepository(AuditLog).findBy({ tenantId: res.body.user.tenantId });
    expect(rows.map((r) => r.entityType).sort()).toEqual(['tenant', 'user']);
    for (const row of rows) {
      expect(row).toMatchObject({
        action: 'create',
        actorUserId: res.body.user.id,
        actorEmail: 'audited@example.test',
      });
      expect(JSON.stringify(row)).not.toMatch(/argon2|registration password/);
    }
  });

  it('names every bad field', async () => {
    const res = await api.http
      .post('/api/auth/register')
      .send({ email: 'nope', password: 'short', role: 'super_admin', tenantName: '' })
      .expect(400);
    expect((res.body.errors as { field: string }[]).map((e) => e.field).sort()).toEqual([
      'email',
      'password',
      'role',
      'tenantName',
    ]);
  });
});
