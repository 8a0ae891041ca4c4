// /api/users over real HTTP: the role rules (tables generated from the exported permissions), tenant
// isolation, the last owner, self-lockout, sessions ending on change, validation, and /auth/me.
import {
  canManageRole,
  Role,
  ROLES,
  Session as SessionRow,
  Tenant,
  User,
  USER_MANAGER_ROLES,
} from '@gateway/identity';
import { TEST_ADMIN } from '@gateway/testing';
import { randomUUID } from 'node:crypto';
import { DataSource, IsNull, Not } from 'typeorm';
import { ApiHarness, startApi } from '../api-harness';
import { login, seedTenant, seedUser, Session, sessionAs } from '../fixtures';

const PASSWORD = 'fixture-password-1';
const fieldsOf = (body: { errors?: { field: string }[] }) => (body.errors ?? []).map((e) => e.field).sort();
const email = () => `new-${randomUUID().slice(0, 8)}@example.test`;

/** What a manage call (PATCH / DELETE) on a user of `target` in the actor's own tenant answers. */
function manageStatus(actor: Role, target: Role, ok: number): number {
  if (!USER_MANAGER_ROLES.includes(actor)) return 403; // the route's role rule
  // A super admin belongs to no tenant, so to anyone else it is not there at all.
  if (target === Role.SuperAdmin && actor !== Role.SuperAdmin) return 404;
  return canManageRole(actor, target) ? ok : 403;
}

describe('/api/users', () => {
  let api: ApiHarness;
  let db: DataSource;
  let tenantA: Tenant;
  let tenantB: Tenant;
  let root: Session;
  const inA = {} as Record<Role, Session>;
  let ownerB: Session;
  let memberB: User;

  beforeAll(async () => {
    api = await startApi('identity-users');
    db = api.app.get(DataSource);
    tenantA = await seedTenant(api);
    tenantB = await seedTenant(api);
    root = await sessionAs(api, Role.SuperAdmin, null);
    for (const role of ROLES)
      inA[role] = role === Role.SuperAdmin ? root : await sessionAs(api, role, tenantA.id);
    ownerB = await sessionAs(api, Role.Owner, tenantB.id);
    memberB = await seedUser(api, Role.Member, tenantB.id);
  });
  afterAll(async () => {
    await api.close();
  });

  describe('role rules (generated from MANAGEABLE_ROLES)', () => {
    const pairs = ROLES.flatMap((actor) => ROLES.map((target) => [actor, target] as const));

    it.each(
      pairs.map(([a, t]) => [a, t, !USER_MANAGER_ROLES.includes(a) || !canManageRole(a, t) ? 403 : 201]),
    )('a %s creating a %s → %i', async (actor, target, status) => {
      const tenantId = target === Role.SuperAdmin ? null : tenantA.id;
      const res = await inA[actor as Role].post('/api/users', {
        email: email(),
        password: 'long enough password',
        role: target,
        tenantId,
      });
      expect(res.status).toBe(status);
      if (status === 201) expect(res.body).toMatchObject({ role: target, tenantId, disabled: false });
    });

    it.each(pairs.map(([a, t]) => [a, t, manageStatus(a, t, 200)]))(
      'a %s changing a %s of the same tenant → %i',
      async (actor, target, status) => {
        const user = await seedUser(api, target as Role, target === Role.SuperAdmin ? null : tenantA.id);
        const res = await inA[actor as Role].patch(`/api/users/${user.id}`, { name: 'Renamed' });
        expect(res.status).toBe(status);
        const stored = await db.getRepository(User).findOneByOrFail({ id: user.id });
        expect(stored.name).toBe(status === 200 ? 'Renamed' : null);
      },
    );

    it.each(pairs.map(([a, t]) => [a, t, manageStatus(a, t, 204)]))(
      'a %s deleting a %s of the same tenant → %i',
      async (actor, target, status) => {
        const user = await seedUser(api, target as Role, target === Role.SuperAdmin ? null : tenantA.id);
        const res = await inA[actor as Role].delete(`/api/users/${user.id}`);
        expect(res.status).toBe(status);
        expect(await db.getRepository(User).existsBy({ id: user.id })).toBe(status !== 204);
      },
    );

    it.each(
      pairs.map(([a, t]) => [
        a,
        t,
        manageStatus(a, Role.Member, 200) === 200 && canManageRole(a, t) ? 200 : 403,
      ]),
    )('a %s giving a member the role %s → %i', async (actor, target, status) => {
      const user = await seedUser(api, Role.Member, tenantA.id);
      const body = target === Role.SuperAdmin ? { role: target, tenantId: null } : { role: target };
      const res = await inA[actor as Role].patch(`/api/users/${user.id}`, body);
      expect(res.status).toBe(status);
      const stored = await db.getRepository(User).findOneByOrFail({ id: user.id });
      expect(stored.role).toBe(status === 200 ? target : Role.Member);
      if (status === 200 && target === Role.SuperAdmin) expect(stored.tenantId).toBeNull();
    });

    it.each(ROLES.map((role) => [role, USER_MANAGER_ROLES.includes(role) ? 200 : 403]))(
      'a %s listing users → %i',
      async (role, status) => {
        await inA[role as Role].get('/api/users').expect(status as number);
      },
    );
  });

  describe('tenant isolation', () => {
    it.each([Role.Owner, Role.Admin])(
      'a %s of A gets 404 for B’s user on GET, PATCH and DELETE',
      async (role) => {
        const session = inA[role];
        for (const res of [
          await session.get(`/api/users/${memberB.id}`),
          await session.patch(`/api/users/${memberB.id}`, { name: 'x' }),
          await session.patch(`/api/users/${memberB.id}`, { disabled: true }),
          await session.delete(`/api/users/${memberB.id}`),
        ]) {
          expect(res.status).toBe(404);
          expect(res.body.code).toBe('not_found');
        }
        const stored = await db.getRepository(User).findOneByOrFail({ id: memberB.id });
        expect(stored).toMatchObject({ name: null, disabled: false });
      },
    );

    it.each([Role.Owner, Role.Admin])('a %s of A lists only A’s users; ?tenantId=B is 404', async (role) => {
      const list = await inA[role].get('/api/users?pageSize=200').expect(200);
      expect(list.body.items.length).toBeGreaterThan(0);
      expect((list.body.items as User[]).every((u) => u.tenantId === tenantA.id)).toBe(true);
      expect(list.body.total).toBe(list.body.items.length);
      await inA[role].get(`/api/users?tenantId=${tenantB.id}`).expect(404);
      await inA[role].get(`/api/users?tenantId=${tenantA.id}`).expect(200);
    });

    it('a super admin lists everyone, or one tenant with ?tenantId', async () => {
      const all = await root.get('/api/users?pageSize=200').expect(200);
      const tenants = new Set((all.body.items as User[]).map((u) => u.tenantId));
      expect(tenants).toEqual(new Set([null, tenantA.id, tenantB.id]));
      const onlyB = await root.get(`/api/users?tenantId=${tenantB.id}`).expect(200);
      expect((onlyB.body.items as User[]).every((u) => u.tenantId === tenantB.id)).toBe(true);
      const owners = await root.get(`/api/users?tenantId=${tenantB.id}&role=owner`).expect(200);
      expect(owners.body.items).toHaveLength(1);
    });

    it('an owner cannot move a user to another tenant (404), nor create one there', async () => {
      const user = await seedUser(api, Role.Member, tenantA.id);
      await inA[Role.Owner].patch(`/api/users/${user.id}`, { tenantId: tenantB.id }).expect(404);
      await inA[Role.Owner]
        .post('/api/users', {
          email: email(),
          password: 'long enough password',
          role: 'member',
          tenantId: tenantB.id,
        })
        .expect(404);
      expect((await db.getRepository(User).findOneByOrFail({ id: user.id })).tenantId).toBe(tenantA.id);
      // Naming their own tenant is fine.
      await inA[Role.Owner].patch(`/api/users/${user.id}`, { tenantId: tenantA.id }).expect(200);
    });

    it('an owner or admin creating without tenantId creates in their own tenant', async () => {
      const res = await inA[Role.Admin]
        .post('/api/users', { email: email(), password: 'long enough password', role: 'member' })
        .expect(201);
      expect(res.body.tenantId).toBe(tenantA.id);
    });

    it('an admin may not grant more than it has: no finance user (who reads invoices) made, promoted or taken over', async () => {
      const admin = inA[Role.Admin];
      const created = await admin
        .post('/api/users', { email: email(), password: 'long enough password', role: 'finance' })
        .expect(403);
      expect(created.body).toMatchObject({ code: 'forbidden' });
      const member = await seedUser(api, Role.Member, tenantA.id);
      await admin.patch(`/api/users/${member.id}`, { role: 'finance' }).expect(403);
      expect((await db.getRepository(User).findOneByOrFail({ id: member.id })).role).toBe(Role.Member);
      // Nor by setting an existing finance user's password and logging in as them.
      const finance = await seedUser(api, Role.Finance, tenantA.id);
      await admin.patch(`/api/users/${finance.id}`, { password: 'an admin-chosen password' }).expect(403);
      await admin.delete(`/api/users/${finance.id}`).expect(403);
      await api.http
        .post('/api/auth/login')
        .send({ email: finance.email, password: 'an admin-chosen password' })
        .expect(401);
      // An owner, who reads invoices, still may.
      await inA[Role.Owner]
        .post('/api/users', { email: email(), password: 'long enough password', role: 'finance' })
        .expect(201);
    });

    it('a super admin moves a user between tenants', async () => {
      const user = await seedUser(api, Role.Member, tenantA.id);
      const res = await root.patch(`/api/users/${user.id}`, { tenantId: tenantB.id }).expect(200);
      expect(res.body.tenantId).toBe(tenantB.id);
      await ownerB.get(`/api/users/${user.id}`).expect(200);
      await inA[Role.Owner].get(`/api/users/${user.id}`).expect(404);
    });

    it('non-UUID and unknown ids are 404', async () => {
      await inA[Role.Owner].get('/api/users/123').expect(404);
      await inA[Role.Owner].patch('/api/users/abc', { name: 'x' }).expect(404);
      await inA[Role.Owner].delete(`/api/users/${randomUUID()}`).expect(404);
    });
  });

  describe('super admins and tenants', () => {
    it('a super admin creates another super admin with no tenant', async () => {
      const res = await root
        .post('/api/users', { email: email(), password: 'long enough password', role: 'super_admin' })
        .expect(201);
      expect(res.body).toMatchObject({ role: 'super_admin', tenantId: null });
    });

    it('a super admin must name an existing tenant for a tenant role', async () => {
      const missing = await root
        .post('/api/users', { email: email(), password: 'long enough password', role: 'member' })
        .expect(400);
      expect(missing.body.code).toBe('tenant_required');
      const unknown = await root
        .post('/api/users', {
          email: email(),
          password: 'long enough password',
          role: 'member',
          tenantId: randomUUID(),
        })
        .expect(404);
      expect(unknown.body.message).toContain('tenantId');
      const withTenant = await root
        .post('/api/users', {
          email: email(),
          password: 'long enough password',
          role: 'super_admin',
          tenantId: tenantA.id,
        })
        .expect(400);
      expect(withTenant.body.code).toBe('invalid_tenant_for_role');
    });

    it('demoting a super admin to a tenant role needs a tenant', async () => {
      const admin = await seedUser(api, Role.SuperAdmin, null);
      await root.patch(`/api/users/${admin.id}`, { role: 'owner' }).expect(400);
      const res = await root
        .patch(`/api/users/${admin.id}`, { role: 'owner', tenantId: tenantB.id })
        .expect(200);
      expect(res.body).toMatchObject({ role: 'owner', tenantId: tenantB.id });
    });
  });

  describe('the last owner and the last super admin', () => {
    it('a tenant’s only active owner cannot be demoted, disabled, moved or deleted', async () => {
      const tenant = await seedTenant(api);
      const owner = await seedUser(api, Role.Owner, tenant.id);
      for (const [method, body] of [
        ['patch', { role: 'admin' }],
        ['patch', { disabled: true }],
        ['patch', { tenantId: tenantB.id }],
        ['delete', undefined],
      ] as const) {
        const res =
          method === 'delete'
            ? await root.delete(`/api/users/${owner.id}`)
            : await root.patch(`/api/users/${owner.id}`, body);
        expect(res.status).toBe(409);
        expect(res.body.code).toBe('last_owner');
      }
      expect(await db.getRepository(User).findOneByOrFail({ id: owner.id })).toMatchObject({
        role: Role.Owner,
        disabled: false,
        tenantId: tenant.id,
      });
    });

    it('with two owners one may go, then the other is the last', async () => {
      const tenant = await seedTenant(api);
      const first = await sessionAs(api, Role.Owner, tenant.id);
      const second = await seedUser(api, Role.Owner, tenant.id);
      await first.patch(`/api/users/${second.id}`, { role: 'member' }).expect(200);
      const self = await first.patch(`/api/users/${first.user.id}`, { role: 'admin' }).expect(409);
      expect(self.body.code).toBe('last_owner');
      // A disabled owner does not count as the one left.
      const disabled = await seedUser(api, Role.Owner, tenant.id, { disabled: true });
      await first.patch(`/api/users/${first.user.id}`, { role: 'admin' }).expect(409);
      await first.delete(`/api/users/${disabled.id}`).expect(204);
    });

    it('two owners demoting each other at once leave one owner, never none', async () => {
      const tenant = await seedTenant(api);
      const a = await sessionAs(api, Role.Owner, tenant.id);
      const b = await sessionAs(api, Role.Owner, tenant.id);
      const results = await Promise.all([
        a.patch(`/api/users/${b.user.id}`, { role: 'member' }),
        b.patch(`/api/users/${a.user.id}`, { role: 'member' }),
      ]);
      // The loser may answer 409 (last owner) or 401 (its own session ended with its role).
      expect(results.map((r) => r.status).filter((s) => s === 200)).toHaveLength(1);
      const owners = await db.getRepository(User).countBy({ tenantId: tenant.id, role: Role.Owner });
      expect(owners).toBe(1);
    });

    it('the platform’s only active super admin cannot demote themself', async () => {
      const repo = db.getRepository(User);
      const self = await sessionAs(api, Role.SuperAdmin, null);
      const others = await repo.findBy({ role: Role.SuperAdmin, disabled: false, id: Not(self.user.id) });
      await repo.update(
        others.map((u) => u.id),
        { disabled: true },
      );
      try {
        const res = await self
          .patch(`/api/users/${self.user.id}`, { role: 'owner', tenantId: tenantA.id })
          .expect(409);
        expect(res.body.code).toBe('last_super_admin');
      } finally {
        await repo.update(
          others.map((u) => u.id),
          { disabled: false },
        );
      }
    });
  });

  describe('nobody locks themself out', () => {
    it.each(USER_MANAGER_ROLES)('a %s cannot disable or delete themself', async (role) => {
      const session = await sessionAs(api, role, role === Role.SuperAdmin ? null : tenantA.id);
      const disable = await session.patch(`/api/users/${session.user.id}`, { disabled: true });
      const remove = await session.delete(`/api/users/${session.user.id}`);
      // An admin may not manage admins at all, itself included: 403 either way.
      for (const res of [disable, remove]) expect(res.status).toBe(403);
      if (role !== Role.Admin) {
        expect(disable.body.code).toBe('self_lockout');
        expect(remove.body.code).toBe('self_lockout');
      }
      await session.get('/api/auth/me').expect(200);
    });
  });

  describe('sessions end when the account changes', () => {
    const liveSessions = (userId: string) =>
      db.getRepository(SessionRow).countBy({ userId, revokedAt: IsNull() });

    it('disabling a user ends its sessions and refuses its logins', async () => {
      const user = await seedUser(api, Role.Member, tenantA.id);
      const session = await login(api, user);
      await inA[Role.Admin].patch(`/api/users/${user.id}`, { disabled: true }).expect(200);
      await session.get('/api/auth/me').expect(401);
      expect(await liveSessions(user.id)).toBe(0);
      await api.http
        .post('/api/auth/login')
        .set('x-forwarded-for', '192.0.2.20')
        .send({ email: user.email, password: PASSWORD })
        .expect(401);
      await inA[Role.Admin].patch(`/api/users/${user.id}`, { disabled: false }).expect(200);
      await login(api, user);
    });

    it('a new password ends sessions; the old password stops working, the new one works', async () => {
      const user = await seedUser(api, Role.Member, tenantA.id);
      const session = await login(api, user);
      await inA[Role.Owner].patch(`/api/users/${user.id}`, { password: 'a brand new password' }).expect(200);
      await session.get('/api/auth/me').expect(401);
      await api.http
        .post('/api/auth/login')
        .set('x-forwarded-for', '192.0.2.21')
        .send({ email: user.email, password: PASSWORD })
        .expect(401);
      await api.http
        .post('/api/auth/login')
        .send({ email: user.email, password: 'a brand new password' })
        .expect(200);
      const stored = await db.getRepository(User).findOneByOrFail({ id: user.id });
      expect(stored.passwordHash).toMatch(/^\$argon2id\$/);
    });

    it('a new role ends sessions; a new name does not', async () => {
      const user = await seedUser(api, Role.Member, tenantA.id);
      const session = await login(api, user);
      await inA[Role.Owner].patch(`/api/users/${user.id}`, { name: 'Still Here' }).expect(200);
      await session.get('/api/auth/me').expect(200);
      await inA[Role.Owner].patch(`/api/users/${user.id}`, { role: 'finance' }).expect(200);
      await session.get('/api/auth/me').expect(401);
    });

    it('a disabled user that was logged in elsewhere is refused even if the session row survives', async () => {
      const user = await seedUser(api, Role.Member, tenantA.id);
      const session = await login(api, user);
      await db.getRepository(User).update({ id: user.id }, { disabled: true });
      await session.get('/api/auth/me').expect(401);
    });
  });

  describe('input', () => {
    it('emails are unique regardless of case: 409', async () => {
      const address = email();
      await inA[Role.Owner]
        .post('/api/users', { email: address, password: 'long enough password', role: 'member' })
        .expect(201);
      const res = await inA[Role.Owner]
        .post('/api/users', {
          email: address.toUpperCase(),
          password: 'long enough password',
          role: 'member',
        })
        .expect(409);
      expect(res.body.code).toBe('conflict');
    });

    it('an email that looks the same in another Unicode form or width is the same account: 409, and logs in', async () => {
      const tag = randomUUID().slice(0, 8);
      const precomposed = `jos\u00e9-${tag}@example.test`; // é as one code point (NFC)
      const created = await inA[Role.Owner]
        .post('/api/users', { email: precomposed, password: 'long enough password', role: 'member' })
        .expect(201);
      for (const lookalike of [
        `jose\u0301-${tag}@example.test`, // e + combining acute (NFD)
        `JOS\u00c9-${tag}@EXAMPLE.TEST`,
        `\uff4aos\u00e9-${tag}@example.test`, // full-width j
      ]) {
        const res = await inA[Role.Owner].post('/api/users', {
          email: lookalike,
          password: 'another long password',
          role: 'member',
        });
        expect(res.status).toBe(409);
        // Signing in with either spelling reaches the one account.
        const signIn = await api.http
          .post('/api/auth/login')
          .send({ email: lookalike, password: 'long enough password' });
        expect(signIn.status).toBe(200);
        expect(signIn.body.user.id).toBe(created.body.id);
      }
      expect(await db.getRepository(User).countBy({ email: created.body.email })).toBe(1);
    });

    it.each([
      ['a full-width @ in the local part', 'x\uff20evil.test@example.test'],
      ['an en space in the local part', 'a\u2002b@example.test'],
    ])(
      'an email that is valid only before normalising (%s) is 400 naming email, and creates nothing',
      async (_what, address) => {
        const res = await inA[Role.Owner]
          .post('/api/users', { email: address, password: 'long enough password', role: 'member' })
          .expect(400);
        expect(fieldsOf(res.body)).toEqual(['email']);
        await api.http
          .post('/api/auth/register')
          .send({ email: address, password: 'long enough password' })
          .expect(400);
        expect(await db.getRepository(User).countBy({ email: address.normalize('NFKC') })).toBe(0);
      },
    );

    it('an account stored in another Unicode form before is found again once the migration canonicalises it', async () => {
      const tag = randomUUID().slice(0, 8);
      const legacy = await seedUser(api, Role.Member, tenantA.id, {
        email: `jose\u0301-${tag}@example.test`,
      });
      // Its stored form is no longer what a login looks up.
      await api.http.post('/api/auth/login').send({ email: legacy.email, password: PASSWORD }).expect(401);
      const migration = db.migrations.find((m) => m.name === 'CanonicalEmails1796583144659')!;
      const runner = db.createQueryRunner();
      try {
        await migration.up(runner);
      } finally {
        await runner.release();
      }
      for (const spelling of [legacy.email, `jos\u00e9-${tag}@example.test`]) {
        const res = await api.http
          .post('/api/auth/login')
          .send({ email: spelling, password: PASSWORD })
          .expect(200);
        expect(res.body.user.id).toBe(legacy.id);
      }
    });

    it.each([
      [{ email: 'nope', password: 'long enough password', role: 'member' }, ['email']],
      [{ email: 'a@b.test', password: 'short', role: 'member' }, ['password']],
      [{ email: 'a@b.test', password: 'long enough password', role: 'king' }, ['role']],
      [{ email: 'a@b.test', password: 'long enough password', role: 'member', tenantId: 'x' }, ['tenantId']],
      [{ email: 'a@b.test', password: 'long enough password', role: 'member', isAdmin: true }, ['isAdmin']],
      [{}, ['email', 'password', 'role']],
    ])('POST %j → 400 naming %j', async (body, fields) => {
      const res = await inA[Role.Owner].post('/api/users', body).expect(400);
      expect(res.body.code).toBe('validation_failed');
      expect(fieldsOf(res.body)).toEqual(fields);
    });

    it.each([
      [{ password: 'short' }, ['password']],
      [{ disabled: 'yes' }, ['disabled']],
      [{ role: null }, ['role']],
      [{ email: 'change@me.test' }, ['email']],
      [{ passwordHash: 'x' }, ['passwordHash']],
    ])('PATCH %j → 400 naming %j', async (body, fields) => {
      const user = await seedUser(api, Role.Member, tenantA.id);
      const res = await inA[Role.Owner].patch(`/api/users/${user.id}`, body).expect(400);
      expect(fieldsOf(res.body)).toEqual(fields);
    });

    it('reads never carry the password hash', async () => {
      const created = await inA[Role.Owner]
        .post('/api/users', { email: email(), password: 'long enough password', role: 'member', name: 'Ann' })
        .expect(201);
      const one = await inA[Role.Owner].get(`/api/users/${created.body.id}`).expect(200);
      const list = await inA[Role.Owner].get('/api/users').expect(200);
      const patched = await inA[Role.Owner]
        .patch(`/api/users/${created.body.id}`, { name: 'Bo' })
        .expect(200);
      for (const body of [created.body, one.body, list.body, patched.body]) {
        expect(JSON.stringify(body)).not.toMatch(/passwordHash|argon2|long enough password/);
      }
      expect(Object.keys(one.body).sort()).toEqual(
        ['createdAt', 'disabled', 'email', 'id', 'name', 'role', 'tenantId', 'username'].sort(),
      );
    });
  });

  describe('GET /api/auth/me', () => {
    it('includes tenantId and name', async () => {
      const user = await seedUser(api, Role.Finance, tenantA.id, { name: 'Fin Ance' });
      const session = await login(api, user);
      const me = await session.get('/api/auth/me').expect(200);
      expect(me.body).toMatchObject({ id: user.id, tenantId: tenantA.id, name: 'Fin Ance', role: 'finance' });
      const admin = await api.http.post('/api/auth/login').send(TEST_ADMIN).expect(200);
      expect(admin.body.user).toMatchObject({ tenantId: null, role: 'super_admin' });
    });

    it('takes the Bearer scheme in any case and spacing (RFC 7235), as /v1 does', async () => {
      const session = await sessionAs(api, Role.Member, tenantA.id);
      for (const header of [
        `bearer ${session.token}`,
        `BEARER ${session.token}`,
        `Bearer  ${session.token} `,
      ]) {
        const me = await api.http.get('/api/auth/me').set('authorization', header);
        expect(me.status).toBe(200);
        expect(me.body.id).toBe(session.user.id);
      }
      // Another scheme is no session, and a bearer that is not one is refused, cookie or not.
      await api.http.get('/api/auth/me').set('authorization', `Basic ${session.token}`).expect(401);
      await api.http
        .get('/api/auth/me')
        .set('authorization', 'bearer gws_wrong')
        .set('cookie', `gw_session=${session.token}`)
        .expect(401);
    });
  });
});
