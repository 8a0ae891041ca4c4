// Plans and subscriptions over real HTTP and PostgreSQL: operators define plans (validated, audited,
// money as decimal strings), tenants see only active plans, a switch applies at once and keeps the
// billing period, every change is in the history, and only the right people see a subscription.
import { AuditLog } from '@gateway/audit';
import {
  periodContaining,
  PLAN_WRITE_ROLES,
  Subscription,
  SUBSCRIPTION_READ_ROLES,
  SubscriptionsService,
} from '@gateway/billing';
import { Role, Tenant } from '@gateway/identity';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ApiHarness, startApi } from '../api-harness';
import { seedTenant, Session, sessionAs } from '../fixtures';

interface PlanBody {
  id: string;
  name: string;
  priceUsd: string;
  limits: {
    requests: number | null;
    inputTokens: number | null;
    outputTokens: number | null;
    spendUsd: string | null;
  };
  includedUsd: string;
  status: 'active' | 'archived';
}

const TENANT_ROLES = [Role.Owner, Role.Admin, Role.Member, Role.Finance] as const;
const uniqueName = (prefix: string) => `${prefix}-${randomBytes(3).toString('hex')}`;

describe('billing: plans and subscriptions', () => {
  let api: ApiHarness;
  let db: DataSource;
  let root: Session;
  let tenantA: Tenant;
  let tenantB: Tenant;
  const inA = new Map<Role, Session>();

  const fields = (body: { errors?: { field: string }[] }) => (body.errors ?? []).map((e) => e.field).sort();
  const createPlan = async (overrides: object = {}): Promise<PlanBody> =>
    (await root.post('/api/plans', { name: uniqueName('plan'), priceUsd: '20', ...overrides }).expect(201))
      .body as PlanBody;

  beforeAll(async () => {
    api = await startApi('billing-plans');
    db = api.app.get(DataSource);
    root = await sessionAs(api, Role.SuperAdmin, null);
    tenantA = await seedTenant(api, { timezone: 'Asia/Shanghai' });
    tenantB = await seedTenant(api);
    for (const role of TENANT_ROLES) inA.set(role, await sessionAs(api, role, tenantA.id));
  });
  afterAll(async () => {
    await api.close();
  });

  describe('plans', () => {
    it('creates a plan with exact money and limits, defaults to unlimited and active, and audits it', async () => {
      const name = uniqueName('Pro');
      const res = await root
        .post('/api/plans', {
          name: `  ${name} `,
          priceUsd: '19.990000001',
          limits: { requests: 100000, outputTokens: 0, spendUsd: '250.5' },
          includedUsd: '5',
        })
        .expect(201);
      expect(res.body).toEqual({
        id: expect.any(String),
        name,
        priceUsd: '19.990000001',
        limits: { requests: 100000, inputTokens: null, outputTokens: 0, spendUsd: '250.5' },
        includedUsd: '5',
        status: 'active',
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      const bare = await createPlan({ priceUsd: '0' });
      expect(bare).toMatchObject({
        priceUsd: '0',
        includedUsd: '0',
        status: 'active',
        limits: { requests: null, inputTokens: null, outputTokens: null, spendUsd: null },
      });
      const audit = await db
        .getRepository(AuditLog)
        .findOneByOrFail({ entityType: 'plan', entityId: (res.body as PlanBody).id });
      expect(audit).toMatchObject({ action: 'create', actorUserId: root.user.id, tenantId: null });
    });

    it('names every bad field, nested limits included', async () => {
      const res = await root
        .post('/api/plans', {
          name: ' ',
          priceUsd: 20,
          limits: { requests: -1, inputTokens: 1.5, spendUsd: '1.0000000001' },
          includedUsd: '-3',
          status: 'deleted',
        })
        .expect(400);
      expect(res.body.code).toBe('validation_failed');
      const bad = fields(res.body);
      for (const field of ['name', 'priceUsd', 'includedUsd', 'status']) expect(bad).toContain(field);
      for (const limit of ['requests', 'inputTokens', 'spendUsd']) {
        expect(bad.some((field) => field.endsWith(limit))).toBe(true);
      }
      expect(bad.some((field) => field.endsWith('outputTokens'))).toBe(false);
      const missing = await root.post('/api/plans', {}).expect(400);
      expect(fields(missing.body)).toEqual(['name', 'priceUsd']);
      const tooMuch = await root.post('/api/plans', {
        name: uniqueName('big'),
        priceUsd: '1000000.000000001',
      });
      expect(tooMuch.status).toBe(400);
      expect(fields(tooMuch.body)).toEqual(['priceUsd']);
    });

    it('a taken name is 409 plan_name_taken, on create and on rename', async () => {
      const first = await createPlan();
      const second = await createPlan();
      const dup = await root.post('/api/plans', { name: first.name, priceUsd: '1' }).expect(409);
      expect(dup.body.code).toBe('plan_name_taken');
      const rename = await root.patch(`/api/plans/${second.id}`, { name: first.name }).expect(409);
      expect(rename.body.code).toBe('plan_name_taken');
    });

    it('PATCH changes only what it names; a null limit becomes unlimited; audited with before and after', async () => {
      const plan = await createPlan({
        limits: { requests: 10, inputTokens: 20, spendUsd: '3' },
        includedUsd: '1',
      });
      const res = await root
        .patch(`/api/plans/${plan.id}`, { priceUsd: '25.5', limits: { requests: null, outputTokens: 7 } })
        .expect(200);
      expect(res.body).toMatchObject({
        name: plan.name,
        priceUsd: '25.5',
        includedUsd: '1',
        limits: { requests: null, inputTokens: 20, outputTokens: 7, spendUsd: '3' },
      });
      const audit = await db
        .getRepository(AuditLog)
        .findOneByOrFail({ entityType: 'plan', entityId: plan.id, action: 'update' });
      expect(audit.before).toMatchObject({ priceUsd: '20', limits: { requests: 10 } });
      expect(audit.after).toMatchObject({ priceUsd: '25.5', limits: { requests: null, outputTokens: 7 } });

      const bad = await root.patch(`/api/plans/${plan.id}`, { name: null, priceUsd: 'free' }).expect(400);
      expect(fields(bad.body)).toEqual(['name', 'priceUsd']);
      await root
        .patch(`/api/plans/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}`, { priceUsd: '1' })
        .expect(404);
      await root.patch('/api/plans/not-a-uuid', { priceUsd: '1' }).expect(404);
    });

    it('tenant users list active plans only; only a super admin writes', async () => {
      const active = await createPlan();
      const archived = await createPlan();
      await root.patch(`/api/plans/${archived.id}`, { status: 'archived' }).expect(200);

      const all = await root.get('/api/plans?pageSize=100').expect(200);
      const allIds = (all.body.items as PlanBody[]).map((p) => p.id);
      expect(allIds).toEqual(expect.arrayContaining([active.id, archived.id]));
      expect(all.body.total).toBe(allIds.length);

      for (const role of TENANT_ROLES) {
        const session = inA.get(role)!;
        const seen = await session.get('/api/plans?pageSize=100').expect(200);
        const items = seen.body.items as PlanBody[];
        expect(items.map((p) => p.id)).toContain(active.id);
        expect(items.map((p) => p.id)).not.toContain(archived.id);
        expect(items.every((p) => p.status === 'active')).toBe(true);
        expect(PLAN_WRITE_ROLES).not.toContain(role);
        await session.post('/api/plans', { name: uniqueName('x'), priceUsd: '1' }).expect(403);
        await session.patch(`/api/plans/${active.id}`, { priceUsd: '0' }).expect(403);
      }
      await api.http.get('/api/plans').expect(401);
    });

    it('GET /:id shows a tenant user active plans and its own archived one, else 404', async () => {
      const active = await createPlan();
      const archived = await createPlan();
      const own = await createPlan();
      const tenant = await seedTenant(api);
      await root.put(`/api/tenants/${tenant.id}/subscription`, { planId: own.id }).expect(200);
      for (const plan of [archived, own]) {
        await root.patch(`/api/plans/${plan.id}`, { status: 'archived' }).expect(200);
      }
      const owner = await sessionAs(api, Role.Owner, tenant.id);
      expect((await owner.get(`/api/plans/${active.id}`).expect(200)).body).toMatchObject({ id: active.id });
      expect((await owner.get(`/api/plans/${own.id}`).expect(200)).body).toMatchObject({
        status: 'archived',
      });
      await owner.get(`/api/plans/${archived.id}`).expect(404);
      await root.get(`/api/plans/${archived.id}`).expect(200);
      await root.get('/api/plans/00000000-0000-4000-8000-000000000000').expect(404);
      await root.get('/api/plans/not-a-uuid').expect(404);
    });
  });

  describe('subscriptions', () => {
    it('subscribes a tenant for its calendar month in its own time zone, then a switch keeps the period', async () => {
      const tenant = await seedTenant(api, { timezone: 'America/New_York' });
      const basic = await createPlan({ limits: { requests: 10 } });
      const pro = await createPlan({ priceUsd: '50', limits: { requests: 1000 }, includedUsd: '10' });

      await root.get(`/api/tenants/${tenant.id}/subscription`).expect(404);
      const before = Date.now();
      const first = await root
        .put(`/api/tenants/${tenant.id}/subscription`, { planId: basic.id })
        .expect(200);
      const expected = periodContaining(new Date(before), 'America/New_York');
      expect(first.body).toMatchObject({
        tenantId: tenant.id,
        anchorDay: 1,
        plan: { id: basic.id, limits: { requests: 10 } },
        periodStart: expected.start.toISOString(),
        periodEnd: expected.end.toISOString(),
      });

      const switched = await root
        .put(`/api/tenants/${tenant.id}/subscription`, { planId: pro.id })
        .expect(200);
      expect(switched.body).toMatchObject({
        plan: { id: pro.id, includedUsd: '10' },
        periodStart: first.body.periodStart,
        periodEnd: first.body.periodEnd,
        createdAt: first.body.createdAt,
      });
      const read = await root.get(`/api/tenants/${tenant.id}/subscription`).expect(200);
      // Reads add the period's usage so far, with the new plan's allowance.
      expect(read.body).toEqual({
        ...switched.body,
        usage: {
          requests: '0',
          inputTokens: '0',
          outputTokens: '0',
          spendUsd: '0',
          includedUsedUsd: '0',
          includedLeftUsd: '10',
        },
      });

      // The hot path's view: the new plan applies at once.
      const current = await api.app.get(SubscriptionsService).currentPlanFor(tenant.id);
      expect(current?.plan.id).toBe(pro.id);
      expect(current?.plan.limitRequests).toBe(1000n);
      expect(current?.periodStart.toISOString()).toBe(first.body.periodStart);

      // The same plan again changes nothing.
      await root.put(`/api/tenants/${tenant.id}/subscription`, { planId: pro.id }).expect(200);

      await root.delete(`/api/tenants/${tenant.id}/subscription`).expect(204);
      await root.get(`/api/tenants/${tenant.id}/subscription`).expect(404);
      await root.delete(`/api/tenants/${tenant.id}/subscription`).expect(404);
      expect(await api.app.get(SubscriptionsService).currentPlanFor(tenant.id)).toBeNull();

      const history = await root.get(`/api/tenants/${tenant.id}/subscription/changes`).expect(200);
      expect(history.body.total).toBe(3);
      expect(
        (history.body.items as { kind: string; fromPlanId: string | null; toPlanId: string | null }[]).map(
          (c) => [c.kind, c.fromPlanId, c.toPlanId],
        ),
      ).toEqual([
        ['end', pro.id, null],
        ['switch', basic.id, pro.id],
        ['subscribe', null, basic.id],
      ]);
      const audits = await db
        .getRepository(AuditLog)
        .find({ where: { entityType: 'subscription', entityId: tenant.id }, order: { createdAt: 'ASC' } });
      expect(audits.map((a) => a.action)).toEqual(['create', 'update', 'delete']);
    });

    it('an anchor day starts the cycle on that day, clamped to short months', async () => {
      const tenant = await seedTenant(api, { timezone: 'Asia/Shanghai' });
      const plan = await createPlan();
      const before = Date.now();
      const res = await root
        .put(`/api/tenants/${tenant.id}/subscription`, { planId: plan.id, anchorDay: 31 })
        .expect(200);
      const expected = periodContaining(new Date(before), 'Asia/Shanghai', 31);
      expect(res.body).toMatchObject({
        anchorDay: 31,
        periodStart: expected.start.toISOString(),
        periodEnd: expected.end.toISOString(),
      });
      const bad = await root
        .put(`/api/tenants/${tenant.id}/subscription`, { planId: 'nope', anchorDay: 32 })
        .expect(400);
      expect(fields(bad.body)).toEqual(['anchorDay', 'planId']);
    });

    it('a period that is over rolls to the one containing now when read', async () => {
      const tenant = await seedTenant(api, { timezone: 'Asia/Shanghai' });
      const plan = await createPlan();
      await root.put(`/api/tenants/${tenant.id}/subscription`, { planId: plan.id }).expect(200);
      // Pretend the subscription was last rolled a year ago.
      await db
        .getRepository(Subscription)
        .update(
          { tenantId: tenant.id },
          { periodStart: new Date('2025-01-31T16:00:00Z'), periodEnd: new Date('2025-02-28T16:00:00Z') },
        );
      const now = new Date();
      const expected = periodContaining(now, 'Asia/Shanghai');
      const res = await root.get(`/api/tenants/${tenant.id}/subscription`).expect(200);
      expect(res.body.periodStart).toBe(expected.start.toISOString());
      expect(res.body.periodEnd).toBe(expected.end.toISOString());
      const row = await db.getRepository(Subscription).findOneByOrFail({ tenantId: tenant.id });
      expect(row.periodStart.toISOString()).toBe(expected.start.toISOString());
    });

    it('a time zone changed during a period moves the next boundary, never starting a period early or an extra one', async () => {
      // Kiritimati (UTC+14) and Pago Pago (UTC−11), neither with DST: the same local midnight is 25
      // hours apart, so whatever the time now, the boundary of today's cycle day has passed in one and
      // is still ahead in the other.
      const KIRITIMATI = 'Pacific/Kiritimati';
      const PAGO_PAGO = 'Pacific/Pago_Pago';
      const plan = await createPlan({ includedUsd: '5' });
      const dayIn = (timeZone: string) =>
        Number(new Intl.DateTimeFormat('en-US', { timeZone, day: 'numeric' }).format(new Date()));
      const iso = (date: Date) => date.toISOString();

      // West: a Kiritimati tenant's period ended at today's local midnight, unread since; its owner
      // meanwhile moved it to Pago Pago, whose own month ends 25 hours later.
      const west = await seedTenant(api, { timezone: KIRITIMATI });
      const westAnchor = dayIn(KIRITIMATI);
      await root
        .put(`/api/tenants/${west.id}/subscription`, { planId: plan.id, anchorDay: westAnchor })
        .expect(200);
      const westEnd = periodContaining(new Date(), KIRITIMATI, westAnchor).start;
      const westLast = periodContaining(new Date(westEnd.getTime() - 1), KIRITIMATI, westAnchor);
      await db
        .getRepository(Subscription)
        .update({ tenantId: west.id }, { periodStart: westLast.start, periodEnd: westLast.end });
      const westOwner = await sessionAs(api, Role.Owner, west.id);
      await westOwner.patch(`/api/tenants/${west.id}`, { timezone: PAGO_PAGO }).expect(200);

      const westRead = await westOwner.get(`/api/tenants/${west.id}/subscription`).expect(200);
      // Not Pago Pago's month ending in 25 hours (it began weeks before the last period ended, and its
      // end would start another period, with a second allowance, a day later): from the end of the
      // last period to Pago Pago's boundary a month on.
      const pagoBoundary = periodContaining(new Date(), PAGO_PAGO, westAnchor).end;
      expect(pagoBoundary.getTime() - westEnd.getTime()).toBe(25 * 3_600_000);
      expect(westRead.body).toMatchObject({
        periodStart: iso(westEnd),
        periodEnd: iso(periodContaining(pagoBoundary, PAGO_PAGO, westAnchor).end),
        usage: { includedLeftUsd: '5' },
      });
      // At Pago Pago's boundary an hour later than that, still the same period.
      const later = await api.app
        .get(SubscriptionsService)
        .currentPlanFor(west.id, new Date(pagoBoundary.getTime() + 3_600_000));
      expect(later && iso(later.periodStart)).toBe(iso(westEnd));

      // East: a Pago Pago tenant moved to Kiritimati, whose month began 25 hours before its period
      // ended: the next period starts where the last ended, not a day before it.
      const east = await seedTenant(api, { timezone: PAGO_PAGO });
      const eastAnchor = dayIn(PAGO_PAGO);
      await root
        .put(`/api/tenants/${east.id}/subscription`, { planId: plan.id, anchorDay: eastAnchor })
        .expect(200);
      const eastEnd = periodContaining(new Date(), PAGO_PAGO, eastAnchor).start;
      const eastLast = periodContaining(new Date(eastEnd.getTime() - 1), PAGO_PAGO, eastAnchor);
      await db
        .getRepository(Subscription)
        .update({ tenantId: east.id }, { periodStart: eastLast.start, periodEnd: eastLast.end });
      const eastOwner = await sessionAs(api, Role.Owner, east.id);
      await eastOwner.patch(`/api/tenants/${east.id}`, { timezone: KIRITIMATI }).expect(200);
      const eastRead = await eastOwner.get(`/api/tenants/${east.id}/subscription`).expect(200);
      expect(eastRead.body).toMatchObject({
        periodStart: iso(eastEnd),
        periodEnd: iso(periodContaining(new Date(), KIRITIMATI, eastAnchor).end),
      });
    });

    it('an archived or unknown plan cannot be chosen, but existing subscribers keep an archived plan', async () => {
      const tenant = await seedTenant(api);
      const plan = await createPlan();
      await root.put(`/api/tenants/${tenant.id}/subscription`, { planId: plan.id }).expect(200);
      await root.patch(`/api/plans/${plan.id}`, { status: 'archived' }).expect(200);
      const kept = await root.get(`/api/tenants/${tenant.id}/subscription`).expect(200);
      expect(kept.body.plan).toMatchObject({ id: plan.id, status: 'archived' });
      await root.put(`/api/tenants/${tenant.id}/subscription`, { planId: plan.id }).expect(200);

      const other = await seedTenant(api);
      const refused = await root
        .put(`/api/tenants/${other.id}/subscription`, { planId: plan.id })
        .expect(400);
      expect(refused.body.code).toBe('plan_not_available');
      await root
        .put(`/api/tenants/${other.id}/subscription`, { planId: '00000000-0000-4000-8000-000000000000' })
        .expect(400);
      await root
        .put('/api/tenants/00000000-0000-4000-8000-000000000000/subscription', { planId: plan.id })
        .expect(404);
    });

    it('owner, admin and finance read their own tenant; member 403; another tenant 404; only super admin writes', async () => {
      const plan = await createPlan();
      await root.put(`/api/tenants/${tenantA.id}/subscription`, { planId: plan.id }).expect(200);
      await root.put(`/api/tenants/${tenantB.id}/subscription`, { planId: plan.id }).expect(200);
      for (const role of TENANT_ROLES) {
        const session = inA.get(role)!;
        const reads = SUBSCRIPTION_READ_ROLES.includes(role);
        const own = await session.get(`/api/tenants/${tenantA.id}/subscription`);
        expect(own.status).toBe(reads ? 200 : 403);
        if (reads) expect(own.body.plan.id).toBe(plan.id);
        const history = await session.get(`/api/tenants/${tenantA.id}/subscription/changes`);
        expect(history.status).toBe(reads ? 200 : 403);
        const foreign = await session.get(`/api/tenants/${tenantB.id}/subscription`);
        expect(foreign.status).toBe(reads ? 404 : 403);
        await session.put(`/api/tenants/${tenantA.id}/subscription`, { planId: plan.id }).expect(403);
        await session.delete(`/api/tenants/${tenantA.id}/subscription`).expect(403);
      }
      await root.get('/api/tenants/not-a-uuid/subscription').expect(404);
      await root.get('/api/tenants/00000000-0000-4000-8000-000000000000/subscription').expect(404);
    });

    it('concurrent first subscriptions leave exactly one row and one subscribe change', async () => {
      const tenant = await seedTenant(api);
      const plans = await Promise.all([createPlan(), createPlan(), createPlan()]);
      const results = await Promise.all(
        plans.map((plan) => root.put(`/api/tenants/${tenant.id}/subscription`, { planId: plan.id })),
      );
      for (const res of results) expect([200, 409]).toContain(res.status);
      expect(await db.getRepository(Subscription).countBy({ tenantId: tenant.id })).toBe(1);
      const history = await root.get(`/api/tenants/${tenant.id}/subscription/changes`).expect(200);
      const kinds = (history.body.items as { kind: string }[]).map((c) => c.kind);
      expect(kinds.filter((k) => k === 'subscribe')).toHaveLength(1);
      expect(kinds.length).toBe(results.filter((r) => r.status === 200).length);
    });
  });
});
