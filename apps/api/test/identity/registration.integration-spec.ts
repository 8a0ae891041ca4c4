// POST /api/auth/register: closed by default; when PUBLIC_REGISTRATION is on, a new tenant with the
// newcomer as its owner, created in one transaction. The answer is the same 202 whether or not the
// email was free (it must not tell who has an account), so the newcomer logs in next.
import { AuditLog } from '@gateway/audit';
import { REGISTRATION_LIMITS, Tenant, User } from '@gateway/identity';
import { DataSource } from 'typeorm';
import { ApiHarness, startApi } from '../api-harness';
import { seedTenant } from '../fixtures';

const PASSWORD = 'a registration password';
const ACCEPTED = { status: 'accepted' };

interface SignUp {
  email: string;
  password: string;
  name?: string;
  tenantName?: string;
}

/** Registers (202) and logs in, as the console does; answers the login body. */
async function signUp(api: ApiHarness, body: SignUp) {
  const registered = await api.http.post('/api/auth/register').send(body).expect(202);
  expect(registered.body).toEqual(ACCEPTED);
  const login = await api.http
    .post('/api/auth/login')
    .send({ email: body.email.toLowerCase(), password: body.password })
    .expect(200);
  return login.body as { accessToken: string; user: { id: string; tenantId: string } };
}

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
        'RegistrationAccepted',
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

  it('creates a tenant and its owner, who can then log in; the answer holds no session', async () => {
    const res = await api.http
      .post('/api/auth/register')
      .send({
        email: 'Founder@Example.test',
        password: PASSWORD,
        name: 'Fay Founder',
        tenantName: 'Founders Inc',
      })
      .expect(202);
    expect(res.body).toEqual(ACCEPTED);
    expect(res.headers['set-cookie']).toBeUndefined();

    const login = await api.http
      .post('/api/auth/login')
      .send({ email: 'founder@example.test', password: PASSWORD })
      .expect(200);
    expect(login.body.user).toMatchObject({
      email: 'founder@example.test',
      name: 'Fay Founder',
      role: 'owner',
    });
    const tenant = await db.getRepository(Tenant).findOneByOrFail({ id: login.body.user.tenantId });
    expect(tenant).toMatchObject({ name: 'Founders Inc', status: 'active', group: 'default' });

    const auth = { authorization: `Bearer ${login.body.accessToken}` };
    const me = await api.http.get('/api/auth/me').set(auth).expect(200);
    expect(me.body).toMatchObject({ role: 'owner', tenantId: tenant.id });
    await api.http.get(`/api/tenants/${tenant.id}`).set(auth).expect(200);
    const users = await api.http.get('/api/users').set(auth).expect(200);
    expect(users.body.total).toBe(1);
  });

  it('the new owner sees nothing of other tenants', async () => {
    const other = await seedTenant(api);
    const res = { body: await signUp(api, { email: 'nosy@example.test', password: PASSWORD }) };
    const auth = { authorization: `Bearer ${res.body.accessToken}` };
    await api.http.get(`/api/tenants/${other.id}`).set(auth).expect(404);
    await api.http.get(`/api/users?tenantId=${other.id}`).set(auth).expect(404);
    await api.http.get('/api/tenants').set(auth).expect(403);
  });

  it('derives the tenant name from the email, and makes a taken name unique', async () => {
    const first = await signUp(api, { email: 'sam@one.test', password: PASSWORD });
    const second = await signUp(api, { email: 'sam@two.test', password: PASSWORD });
    const third = await signUp(api, { email: 'other@three.test', password: PASSWORD, tenantName: 'sam' });
    const names = await Promise.all(
      [first, second, third].map(
        async (r) => (await db.getRepository(Tenant).findOneByOrFail({ id: r.user.tenantId })).name,
      ),
    );
    expect(names[0]).toBe('sam');
    expect(names[1]).toMatch(/^sam-[0-9a-f]{6}$/);
    expect(names[2]).toMatch(/^sam-[0-9a-f]{6}$/);
    expect(new Set(names).size).toBe(3);
  });

  it('an email already registered gets the same answer, changes nothing and leaves no stray tenant', async () => {
    const fresh = await api.http
      .post('/api/auth/register')
      .send({ email: 'twice@example.test', password: PASSWORD })
      .expect(202);
    const tenants = await db.getRepository(Tenant).count();
    const owner = await db.getRepository(User).findOneByOrFail({ email: 'twice@example.test' });
    const again = await api.http
      .post('/api/auth/register')
      .send({ email: 'TWICE@example.test', password: 'another password entirely', tenantName: 'Second Try' })
      .expect(202);
    expect(again.body).toEqual(fresh.body);
    expect(again.headers['set-cookie']).toBeUndefined();
    expect(await db.getRepository(Tenant).count()).toBe(tenants);
    expect(await db.getRepository(User).findOneByOrFail({ email: 'twice@example.test' })).toEqual(owner);
    // The password of the first registration still opens the account; the second one does not.
    await api.http
      .post('/api/auth/login')
      .send({ email: 'twice@example.test', password: PASSWORD })
      .expect(200);
    await api.http
      .post('/api/auth/login')
      .send({ email: 'twice@example.test', password: 'another password entirely' })
      .expect(401);
  });

  it('limits sign-ups per client IP: 429 with Retry-After, other IPs unaffected', async () => {
    const from = (ip: string, n: number) =>
      api.http
        .post('/api/auth/register')
        .set('x-forwarded-for', ip)
        .send({ email: `flood-${ip}-${n}@example.test`, password: PASSWORD });
    for (let n = 0; n < REGISTRATION_LIMITS.perIp; n++) await from('203.0.113.7', n).expect(202);
    const limited = await from('203.0.113.7', REGISTRATION_LIMITS.perIp).expect(429);
    expect(limited.body.code).toBe('rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(
      await db
        .getRepository(User)
        .existsBy({ email: `flood-203.0.113.7-${REGISTRATION_LIMITS.perIp}@example.test` }),
    ).toBe(false);
    await from('203.0.113.8', 0).expect(202);
  });

  it('writes audit rows for the tenant and the user, without secrets', async () => {
    const res = { body: await signUp(api, { email: 'audited@example.test', password: PASSWORD }) };
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
