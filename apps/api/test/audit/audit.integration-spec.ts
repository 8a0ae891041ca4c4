// GET /api/audit and the rows tenants and users changes write: who changed what (before/after,
// secrets redacted), readable by a super admin (all) and an owner (own tenant only), newest first.
import { AUDIT_READER_ROLES } from '@gateway/audit';
import { Role, ROLES, Tenant } from '@gateway/identity';
import { randomUUID } from 'node:crypto';
import { ApiHarness, startApi } from '../api-harness';
import { seedTenant, seedUser, Session, sessionAs } from '../fixtures';

interface Row {
  id: string;
  action: string;
  entityType: string;
  entityId: string;
  tenantId: string | null;
  actorUserId: string | null;
  actorEmail: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  ip: string | null;
  requestId: string | null;
  createdAt: string;
}

const SECRET = 'the secret password 1';

describe('/api/audit', () => {
  let api: ApiHarness;
  let root: Session;
  let tenantA: Tenant;
  let tenantB: Tenant;
  const inA = {} as Record<Role, Session>;
  let ownerB: Session;

  const rowsFor = async (session: Session, query: string): Promise<Row[]> =>
    (await session.get(`/api/audit?pageSize=200&${query}`).expect(200)).body.items as Row[];

  beforeAll(async () => {
    api = await startApi('audit-api');
    root = await sessionAs(api, Role.SuperAdmin, null);
    tenantA = await seedTenant(api);
    tenantB = await seedTenant(api);
    for (const role of ROLES)
      inA[role] = role === Role.SuperAdmin ? root : await sessionAs(api, role, tenantA.id);
    ownerB = await sessionAs(api, Role.Owner, tenantB.id);
  });
  afterAll(async () => {
    await api.close();
  });

  it('records a tenant’s create and update with before and after, actor, IP and request id', async () => {
    const created = await root
      .post('/api/tenants', { name: 'Audited Tenant' })
      .set('x-request-id', 'audit-req-1')
      .expect(201);
    await root
      .patch(`/api/tenants/${created.body.id}`, { group: 'gold', timezone: 'Asia/Tokyo' })
      .expect(200);
    const rows = await rowsFor(root, `entityType=tenant&tenantId=${created.body.id}`);
    expect(rows.map((r) => r.action)).toEqual(['update', 'create']);
    const [update, create] = rows as [Row, Row];
    expect(create).toMatchObject({
      entityId: created.body.id,
      tenantId: created.body.id,
      actorUserId: root.user.id,
      actorEmail: root.user.email,
      before: null,
      after: expect.objectContaining({ name: 'Audited Tenant', group: 'default' }),
      requestId: 'audit-req-1',
      ip: expect.any(String),
    });
    expect(update.before).toMatchObject({ group: 'default', timezone: 'UTC' });
    expect(update.after).toMatchObject({ group: 'gold', timezone: 'Asia/Tokyo' });
  });

  it('records a user’s create, update and delete with the password hash redacted', async () => {
    const created = await inA[Role.Owner]
      .post('/api/users', { email: 'audited-user@example.test', password: SECRET, role: 'member' })
      .expect(201);
    const id = created.body.id as string;
    await inA[Role.Owner].patch(`/api/users/${id}`, { role: 'finance', password: `${SECRET} 2` }).expect(200);
    await inA[Role.Owner].delete(`/api/users/${id}`).expect(204);

    const res = await root.get(`/api/audit?entityType=user&entityId=${id}`).expect(200);
    const rows = res.body.items as Row[];
    expect(rows.map((r) => r.action)).toEqual(['delete', 'update', 'create']);
    const [del, update, create] = rows as [Row, Row, Row];
    expect(create.after).toMatchObject({
      email: 'audited-user@example.test',
      role: 'member',
      passwordHash: '[redacted]',
    });
    expect(update.before).toMatchObject({ role: 'member', passwordHash: '[redacted]' });
    expect(update.after).toMatchObject({
      role: 'finance',
      passwordChanged: true,
      passwordHash: '[redacted]',
    });
    expect(del).toMatchObject({ before: expect.objectContaining({ role: 'finance' }), after: null });
    for (const row of rows)
      expect(row).toMatchObject({ tenantId: tenantA.id, actorUserId: inA[Role.Owner].user.id });
    expect(JSON.stringify(res.body)).not.toMatch(/argon2|the secret password/);
  });

  it('a PATCH that changes nothing about a user writes no audit row', async () => {
    const created = await inA[Role.Owner]
      .post('/api/users', { email: 'unchanged-user@example.test', password: SECRET, role: 'member' })
      .expect(201);
    const id = created.body.id as string;
    await inA[Role.Owner].patch(`/api/users/${id}`, {}).expect(200);
    // What the console reads back and sends again, name trimmed to what is stored.
    const same = { role: 'member', tenantId: tenantA.id, disabled: false, name: null };
    expect((await inA[Role.Owner].patch(`/api/users/${id}`, same).expect(200)).body).toEqual(created.body);
    await inA[Role.Owner].patch(`/api/users/${id}`, { name: ' Neo ' }).expect(200);
    await inA[Role.Owner].patch(`/api/users/${id}`, { name: 'Neo' }).expect(200);
    const rows = (await root.get(`/api/audit?entityType=user&entityId=${id}`).expect(200)).body
      .items as Row[];
    expect(rows.map((r) => [r.action, r.after?.name ?? null])).toEqual([
      ['update', 'Neo'],
      ['create', null],
    ]);
  });

  it('a move between tenants shows in both tenants’ logs', async () => {
    const user = await seedUser(api, Role.Member, tenantA.id);
    await root.patch(`/api/users/${user.id}`, { tenantId: tenantB.id }).expect(200);
    const inAs = await rowsFor(inA[Role.Owner], `entityId=${user.id}`);
    const inBs = await rowsFor(ownerB, `entityId=${user.id}`);
    expect(inAs).toHaveLength(1);
    expect(inBs).toHaveLength(1);
    expect(inBs[0]).toMatchObject({ before: { tenantId: tenantA.id }, after: { tenantId: tenantB.id } });
  });

  it('an owner reads only their own tenant’s rows; naming another tenant is 404', async () => {
    await ownerB.patch(`/api/tenants/${tenantB.id}`, { billingEmail: 'b-billing@example.test' }).expect(200);
    await inA[Role.Owner]
      .patch(`/api/tenants/${tenantA.id}`, { billingEmail: 'a-billing@example.test' })
      .expect(200);
    const rows = await rowsFor(inA[Role.Owner], '');
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.tenantId === tenantA.id)).toBe(true);
    const res = await inA[Role.Owner].get(`/api/audit?tenantId=${tenantB.id}`).expect(404);
    expect(res.body.code).toBe('not_found');
    const b = await rowsFor(ownerB, `tenantId=${tenantB.id}`);
    expect(b.some((r) => r.after?.['billingEmail'] === 'b-billing@example.test')).toBe(true);
    expect(b.every((r) => r.tenantId === tenantB.id)).toBe(true);
  });

  it('a super admin reads every tenant’s rows, or one tenant’s with ?tenantId', async () => {
    const all = await rowsFor(root, '');
    const tenants = new Set(all.map((r) => r.tenantId));
    expect(tenants.has(tenantA.id) && tenants.has(tenantB.id)).toBe(true);
    const onlyB = await rowsFor(root, `tenantId=${tenantB.id}`);
    expect(onlyB.length).toBeGreaterThan(0);
    expect(onlyB.every((r) => r.tenantId === tenantB.id)).toBe(true);
  });

  it.each(ROLES.map((role) => [role, AUDIT_READER_ROLES.includes(role) ? 200 : 403] as const))(
    'a %s reading the audit log → %i',
    async (role, status) => {
      await inA[role].get('/api/audit').expect(status);
    },
  );

  it('is newest first, filters by action and time, and pages', async () => {
    const tenant = await seedTenant(api);
    const names = ['one', 'two', 'three'];
    for (const name of names)
      await root.patch(`/api/tenants/${tenant.id}`, { name: `${tenant.name}-${name}` }).expect(200);
    const rows = await rowsFor(root, `tenantId=${tenant.id}&action=update`);
    expect(rows.map((r) => r.after?.['name'])).toEqual(names.reverse().map((n) => `${tenant.name}-${n}`));
    const times = rows.map((r) => Date.parse(r.createdAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);

    const page = await root.get(`/api/audit?tenantId=${tenant.id}&pageSize=1&page=2`).expect(200);
    expect(page.body.total).toBe(3);
    expect(page.body.items[0].id).toBe(rows[1]!.id);

    const middle = rows[1]!.createdAt;
    const since = await rowsFor(root, `tenantId=${tenant.id}&from=${encodeURIComponent(middle)}`);
    expect(since.map((r) => r.id)).toEqual([rows[0]!.id, rows[1]!.id]);
    const before = await rowsFor(root, `tenantId=${tenant.id}&to=${encodeURIComponent(middle)}`);
    expect(before.map((r) => r.id)).toEqual([rows[2]!.id]);
    expect(await rowsFor(root, `tenantId=${tenant.id}&action=delete`)).toEqual([]);
  });

  it.each([
    ['action=erase', 'action'],
    ['tenantId=not-a-uuid', 'tenantId'],
    ['from=yesterday', 'from'],
    ['to=2024-13-45', 'to'],
    ['entityType=Robert%27);DROP', 'entityType'],
    ['pageSize=500', 'pageSize'],
    ['colour=blue', 'colour'],
  ])('a bad query (%s) → 400 naming %s', async (query, field) => {
    const res = await root.get(`/api/audit?${query}`).expect(400);
    expect(res.body.code).toBe('validation_failed');
    expect((res.body.errors as { field: string }[]).map((e) => e.field)).toEqual([field]);
  });

  it('is in the OpenAPI document with its query and row shapes', async () => {
    const doc = await api.http.get('/api/openapi.json').expect(200);
    const get = doc.body.paths['/api/audit']?.get as { parameters: { name: string }[] };
    expect(get.parameters.map((p) => p.name).sort()).toEqual(
      ['action', 'entityId', 'entityType', 'from', 'page', 'pageSize', 'tenantId', 'to'].sort(),
    );
    expect(Object.keys(doc.body.components.schemas as object)).toEqual(
      expect.arrayContaining(['AuditLogView', 'AuditLogPage']),
    );
  });

  it('from after to → 400 invalid_range; an unknown tenant is simply empty for a super admin', async () => {
    const res = await root.get('/api/audit?from=2025-02-01&to=2025-01-01').expect(400);
    expect(res.body.code).toBe('invalid_range');
    const none = await root.get(`/api/audit?tenantId=${randomUUID()}`).expect(200);
    expect(none.body).toEqual({ items: [], total: 0 });
  });
});
