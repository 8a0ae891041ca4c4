// The tenant isolation matrix: every tenant-scoped resource × every role × own/other tenant,
// generated from one table. Another tenant's rows answer 404 (ids don't leak) or 403 where the role
// has no access to the resource at all; they are never read, listed or changed.
import { AUDIT_READER_ROLES } from '@gateway/audit';
import { CREDIT_WRITE_ROLES, LEDGER_READ_ROLES, REDEEM_ROLES } from '@gateway/billing';
import { Role, USER_MANAGER_ROLES } from '@gateway/identity';
import { TOKEN_ACCESS } from '@gateway/tokens';
import { insertUsageRecords, USAGE_ACCESS, UsageEvent } from '@gateway/usage';
import { DataSource } from 'typeorm';
import { ApiHarness, startApi } from '../api-harness';
import { seedTenant, Session, sessionAs, usageEvent } from '../fixtures';

type Method = 'get' | 'patch' | 'delete';

interface ForeignRow {
  resource: string;
  /** Path of one row of tenant B. */
  path: string;
  /** A harmless, valid PATCH body. */
  patch: object;
  /** List path, and how to read an item's id from it. */
  list: string;
}

const TENANT_ROLES = [Role.Owner, Role.Admin, Role.Member, Role.Finance] as const;
const METHODS: Method[] = ['get', 'patch', 'delete'];

describe('tenant isolation matrix', () => {
  let api: ApiHarness;
  let superAdmin: Session;
  const sessionsA = new Map<Role, Session>();
  let foreign: ForeignRow[] = [];
  let tenantB: string;
  /** Rows of tenant A, the callers' own tenant: a member user and a token owned by A's owner. */
  let own: { tenant: string; user: string; token: string };

  beforeAll(async () => {
    api = await startApi('isolation');
    const a = await seedTenant(api);
    const b = await seedTenant(api);
    tenantB = b.id;
    superAdmin = await sessionAs(api, Role.SuperAdmin, null);
    for (const role of TENANT_ROLES) sessionsA.set(role, await sessionAs(api, role, a.id));
    const ownerB = await sessionAs(api, Role.Owner, b.id);
    const memberA = await superAdmin
      .post('/api/users', {
        email: 'member-a@example.test',
        password: 'member-a-password',
        tenantId: a.id,
        role: 'member',
      })
      .expect(201);
    const tokenA = await sessionsA.get(Role.Owner)!.post('/api/tokens', { name: 'a-token' }).expect(201);
    own = { tenant: a.id, user: memberA.body.id, token: tokenA.body.id };

    const memberB = await superAdmin
      .post('/api/users', {
        email: 'member-b@example.test',
        password: 'member-b-password',
        tenantId: b.id,
        role: 'member',
      })
      .expect(201);
    const tokenB = await ownerB.post('/api/tokens', { name: 'b-token' }).expect(201);
    // One usage record in each tenant, stored as the worker stores them.
    const usage = (requestId: string, tenantId: string, tokenId: string): UsageEvent =>
      usageEvent({
        requestId,
        tenantId,
        tokenId,
        model: 'm',
        promptTokens: 1,
        completionTokens: 1,
        costNano: '1',
        latencyMs: 1,
      });
    await insertUsageRecords(api.app.get(DataSource), [
      usage('usage-a', a.id, tokenA.body.id),
      usage('usage-b', b.id, tokenB.body.id),
    ]);
    foreign = [
      {
        resource: 'tenant',
        path: `/api/tenants/${b.id}`,
        patch: { timezone: 'Asia/Shanghai' },
        list: '/api/tenants',
      },
      {
        resource: 'user',
        path: `/api/users/${memberB.body.id}`,
        patch: { name: 'renamed' },
        list: '/api/users',
      },
      {
        resource: 'token',
        path: `/api/tokens/${tokenB.body.id}`,
        patch: { name: 'renamed' },
        list: '/api/tokens',
      },
    ];
  });
  afterAll(async () => {
    await api.close();
  });

  const cases = () =>
    TENANT_ROLES.flatMap((role) =>
      METHODS.flatMap((method) => [0, 1, 2].map((index) => ({ role, method, index }))),
    );

  it.each(cases())(
    '$role of tenant A: $method on tenant B’s resource #$index → 404 or 403, never success',
    async ({ role, method, index }) => {
      const row = foreign[index]!;
      const session = sessionsA.get(role)!;
      const res =
        method === 'patch' ? await session.patch(row.path, row.patch) : await session[method](row.path);
      expect([403, 404]).toContain(res.status);
      if (res.status === 403) expect(res.body.code).toBe('forbidden');
      // And B's row is untouched: the super admin still reads it as it was.
      const after = await superAdmin.get(row.path).expect(200);
      if (row.resource !== 'tenant') expect(after.body.name).not.toBe('renamed');
    },
  );

  it.each(TENANT_ROLES.flatMap((role) => [0, 1, 2].map((index) => ({ role, index }))))(
    '$role of tenant A: listing resource #$index never shows tenant B, and naming B finds nothing',
    async ({ role, index }) => {
      const row = foreign[index]!;
      const session = sessionsA.get(role)!;
      const all = await session.get(row.list);
      if (all.status === 200) {
        expect(JSON.stringify(all.body.items)).not.toContain(tenantB);
      } else {
        expect(all.status).toBe(403);
      }
      const named = await session.get(`${row.list}?tenantId=${tenantB}`);
      expect([403, 404]).toContain(named.status);
    },
  );

  // The own-tenant side, from the libs' own permission tables: what each role may read at home.
  const ownExpectations = TENANT_ROLES.flatMap((role) => [
    { role, resource: 'tenant', expected: 200 },
    { role, resource: 'user', expected: USER_MANAGER_ROLES.includes(role) ? 200 : 403 },
    // The token belongs to A's owner: a member (own tokens only) does not find it.
    {
      role,
      resource: 'token',
      expected: { platform: 200, tenant: 200, own: 404, none: 403 }[TOKEN_ACCESS[role]],
    },
    { role, resource: 'audit', expected: AUDIT_READER_ROLES.includes(role) ? 200 : 403 },
    { role, resource: 'usage', expected: USAGE_ACCESS[role] === 'none' ? 403 : 200 },
    { role, resource: 'ledger', expected: LEDGER_READ_ROLES.includes(role) ? 200 : 403 },
    // Every member of a tenant sees its balance (also in the tenant read itself).
    { role, resource: 'balance', expected: 200 },
  ]);

  it.each(ownExpectations)(
    '$role of tenant A reads its own $resource → $expected',
    async ({ role, resource, expected }) => {
      const path = {
        tenant: `/api/tenants/${own.tenant}`,
        user: `/api/users/${own.user}`,
        token: `/api/tokens/${own.token}`,
        audit: `/api/audit?tenantId=${own.tenant}`,
        usage: `/api/usage/logs?tenantId=${own.tenant}`,
        ledger: `/api/tenants/${own.tenant}/ledger`,
        balance: `/api/tenants/${own.tenant}/balance`,
      }[resource]!;
      await sessionsA.get(role)!.get(path).expect(expected);
    },
  );

  it.each(TENANT_ROLES)('%s of tenant A never reads tenant B’s audit log', async (role) => {
    const session = sessionsA.get(role)!;
    const all = await session.get('/api/audit');
    if (AUDIT_READER_ROLES.includes(role)) {
      expect(all.status).toBe(200);
      expect(
        (all.body.items as { tenantId: string | null }[]).every((row) => row.tenantId === own.tenant),
      ).toBe(true);
    } else {
      expect(all.status).toBe(403);
    }
    expect([403, 404]).toContain((await session.get(`/api/audit?tenantId=${tenantB}`)).status);
  });

  it.each(TENANT_ROLES)('%s of tenant A never reads tenant B’s usage', async (role) => {
    const session = sessionsA.get(role)!;
    for (const path of ['/api/usage/logs', '/api/usage/summary?groupBy=tenant', '/api/usage/logs.csv']) {
      const all = await session.get(path);
      if (USAGE_ACCESS[role] === 'none') {
        expect(all.status).toBe(403);
      } else {
        expect(all.status).toBe(200);
        expect(all.text).not.toContain(tenantB);
        expect(all.text).not.toContain('usage-b');
      }
      const separator = path.includes('?') ? '&' : '?';
      expect([403, 404]).toContain((await session.get(`${path}${separator}tenantId=${tenantB}`)).status);
    }
    // The own tenant's record: all of it for tenant roles; for a member, only their own tokens' (none here).
    const own = await session.get('/api/usage/logs');
    if (USAGE_ACCESS[role] !== 'none') {
      expect(own.body.items.map((item: { requestId: string }) => item.requestId)).toEqual(
        USAGE_ACCESS[role] === 'own' ? [] : ['usage-a'],
      );
    }
  });

  it.each(TENANT_ROLES)('%s of tenant A never reads or moves tenant B’s money', async (role) => {
    const session = sessionsA.get(role)!;
    const ledger = await session.get(`/api/tenants/${tenantB}/ledger`);
    expect(ledger.status).toBe(LEDGER_READ_ROLES.includes(role) ? 404 : 403);
    expect((await session.get(`/api/tenants/${tenantB}/balance`)).status).toBe(404);
    for (const path of ['topups', 'adjustments']) {
      const res = await session.post(`/api/tenants/${tenantB}/${path}`, { amountUsd: '5', note: 'x' });
      expect(res.status).toBe(CREDIT_WRITE_ROLES.includes(role) ? 201 : 403);
    }
    // Redeeming into tenant B: not found for those who may redeem at all, forbidden for the rest.
    const redeem = await session.post('/api/redemption-codes/redeem', {
      code: '0000-0000-0000-0000-0000-0000-0000',
      tenantId: tenantB,
    });
    expect(redeem.status).toBe(REDEEM_ROLES.includes(role) ? 404 : 403);
    expect(redeem.body.code).toBe(REDEEM_ROLES.includes(role) ? 'not_found' : 'forbidden');
    const balance = await superAdmin.get(`/api/tenants/${tenantB}/balance`).expect(200);
    expect(balance.body.balanceUsd).toBe('0');
  });

  it.each(TENANT_ROLES)('%s gets 403 on every channel route (channels are the operator’s)', async (role) => {
    const session = sessionsA.get(role)!;
    const channel = await superAdmin
      .post('/api/channels', {
        name: `c-${role}`,
        type: 'openai',
        baseUrl: 'http://127.0.0.1:9/v1',
        models: ['m'],
        groups: ['default'],
      })
      .expect(201);
    for (const [method, path] of [
      ['get', '/api/channels'],
      ['get', `/api/channels/${channel.body.id}`],
      ['patch', `/api/channels/${channel.body.id}`],
      ['delete', `/api/channels/${channel.body.id}`],
      ['get', `/api/channels/${channel.body.id}/keys`],
    ] as const) {
      const res = method === 'patch' ? await session.patch(path, { name: 'x' }) : await session[method](path);
      expect(res.status).toBe(403);
    }
  });

  it.each(['/api/tenants/', '/api/users/', '/api/tokens/', '/api/channels/'])(
    'a non-UUID id under %s is 404, not 500',
    async (prefix) => {
      for (const id of ['1', 'not-a-uuid', "1' OR '1'='1", '00000000-0000-0000-0000-00000000000g']) {
        const res = await superAdmin.get(prefix + encodeURIComponent(id));
        expect(res.status).toBe(404);
        // The /api shape's plain not-found: never a 400 saying the id was malformed, nor a 500.
        expect(res.body).toEqual({ statusCode: 404, code: 'not_found', message: 'not found' });
      }
    },
  );
});
