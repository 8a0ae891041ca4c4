// Top-ups, adjustments, the ledger and balances over real HTTP, PostgreSQL and Redis: every credit
// is a ledger line, the balance is their sum to the nano-dollar however requests race, the hot
// path's Redis mirror hears each committed credit, and only the right roles see or move money.
import { AuditLog } from '@gateway/audit';
import { BalanceMirror, CREDIT_WRITE_ROLES, LEDGER_READ_ROLES, LedgerEntry } from '@gateway/billing';
import { Role, Tenant } from '@gateway/identity';
import { DataSource } from 'typeorm';
import { ApiHarness, startApi } from '../api-harness';
import { seedTenant, Session, sessionAs } from '../fixtures';

interface LineBody {
  id: string;
  kind: string;
  amountUsd: string;
  balanceAfterUsd: string;
  creditSeq: string | null;
  ref: string | null;
  note: string | null;
  createdBy: string | null;
  createdAt: string;
}

const TENANT_ROLES = [Role.Owner, Role.Admin, Role.Member, Role.Finance] as const;

describe('billing: top-ups, adjustments, ledger and balance', () => {
  let api: ApiHarness;
  let db: DataSource;
  let mirror: BalanceMirror;
  let root: Session;
  let tenantA: Tenant;
  let tenantB: Tenant;
  const inA = new Map<Role, Session>();

  /** Loads the tenant's Redis mirror the way the relay does: by placing (and releasing) a hold. */
  const loadMirror = async (tenantId: string) => {
    const owner = await sessionAs(api, Role.Owner, tenantId);
    const token = await owner.post('/api/tokens', { name: 'mirror' }).expect(201);
    const requestId = `load-${tenantId}`;
    const tokenId = token.body.id as string;
    const none = { plan: null, inputTokens: 0, outputTokens: 0 };
    const { hold } = await mirror.hold({
      requestId,
      tenantId,
      tokenId,
      amountNano: 1n,
      tokenQuotaNano: null,
      tokenQuotaEpoch: 0,
      ...none,
    });
    await mirror.settle({
      tenantId,
      tokenId,
      tokenQuotaNano: null,
      tokenQuotaEpoch: 0,
      requestId,
      hold,
      costNano: 0n,
      counted: false,
      ...none,
    });
  };
  const topup = (tenantId: string, amountUsd: string, note?: string) =>
    root.post(`/api/tenants/${tenantId}/topups`, { amountUsd, ...(note ? { note } : {}) });
  const fields = (body: { errors?: { field: string }[] }) => (body.errors ?? []).map((e) => e.field);

  beforeAll(async () => {
    api = await startApi('billing-ledger');
    db = api.app.get(DataSource);
    mirror = api.app.get(BalanceMirror);
    root = await sessionAs(api, Role.SuperAdmin, null);
    tenantA = await seedTenant(api);
    tenantB = await seedTenant(api);
    for (const role of TENANT_ROLES) inA.set(role, await sessionAs(api, role, tenantA.id));
  });
  afterAll(async () => {
    await api.close();
  });

  it('a top-up appends a line, moves the balance, shows in tenant reads, is audited and reaches the mirror', async () => {
    const tenant = await seedTenant(api);
    await loadMirror(tenant.id);
    expect((await mirror.snapshot(tenant.id))?.credits).toBe(0n);

    const res = await topup(tenant.id, '25.000000001', 'wire 2026-11-21').expect(201);
    const line = res.body as LineBody;
    expect(line).toEqual({
      id: expect.any(String),
      tenantId: tenant.id,
      kind: 'topup',
      amountUsd: '25.000000001',
      balanceAfterUsd: '25.000000001',
      creditSeq: '1',
      ref: null,
      note: 'wire 2026-11-21',
      createdBy: root.user.id,
      createdAt: expect.any(String),
    });

    const ledger = await root.get(`/api/tenants/${tenant.id}/ledger`).expect(200);
    expect(ledger.body).toEqual({ items: [line], total: 1 });
    expect((await root.get(`/api/tenants/${tenant.id}/balance`).expect(200)).body).toEqual({
      tenantId: tenant.id,
      balanceUsd: '25.000000001',
      creditsUsd: '25.000000001',
      debitsUsd: '0',
    });
    expect((await root.get(`/api/tenants/${tenant.id}`).expect(200)).body.balanceUsd).toBe('25.000000001');
    const list = await root.get('/api/tenants?pageSize=200').expect(200);
    const listed = (list.body.items as { id: string; balanceUsd: string }[]).find((t) => t.id === tenant.id);
    expect(listed?.balanceUsd).toBe('25.000000001');
    expect(
      (list.body.items as { id: string; balanceUsd: string }[]).every(
        (t) => typeof t.balanceUsd === 'string',
      ),
    ).toBe(true);

    const audit = await db
      .getRepository(AuditLog)
      .findOneByOrFail({ entityType: 'ledger_entry', entityId: line.id });
    expect(audit).toMatchObject({ action: 'create', tenantId: tenant.id, actorUserId: root.user.id });

    // After the commit, the hot path's mirror holds the credit, in order.
    expect(await mirror.snapshot(tenant.id)).toMatchObject({ credits: 25_000_000_001n, creditSeq: 1n });
  });

  it('20 concurrent top-ups: balance == their sum exactly, credit_seq 1..20 without gaps, mirror agrees', async () => {
    const tenant = await seedTenant(api);
    await loadMirror(tenant.id);
    const amounts = Array.from({ length: 20 }, (_, i) => `${i + 1}.${String(i + 1).padStart(9, '0')}`);
    const responses = await Promise.all(amounts.map((amount) => topup(tenant.id, amount)));
    expect(responses.map((res) => res.status)).toEqual(amounts.map(() => 201));

    // Σ (i + i·1e-9) for i = 1..20 = 210 + 210e-9
    expect((await root.get(`/api/tenants/${tenant.id}/balance`).expect(200)).body).toMatchObject({
      balanceUsd: '210.00000021',
      creditsUsd: '210.00000021',
    });
    const entries = await db
      .getRepository(LedgerEntry)
      .find({ where: { tenantId: tenant.id }, order: { creditSeq: 'ASC' } });
    expect(entries.map((entry) => entry.creditSeq)).toEqual(amounts.map((_, i) => BigInt(i + 1)));
    let running = 0n;
    for (const entry of entries) {
      running += entry.amountNano;
      expect(entry.balanceAfterNano).toBe(running);
    }
    expect(running).toBe(210_000_000_210n);
    const page = await root.get(`/api/tenants/${tenant.id}/ledger?pageSize=200`).expect(200);
    expect(page.body.total).toBe(20);
    await expect(mirror.snapshot(tenant.id)).resolves.toMatchObject({
      credits: 210_000_000_210n,
      creditSeq: 20n,
    });
  });

  it('a negative adjustment takes money back (even below zero), with a required note', async () => {
    const tenant = await seedTenant(api);
    await topup(tenant.id, '1').expect(201);
    const res = await root
      .post(`/api/tenants/${tenant.id}/adjustments`, { amountUsd: '-1.5', note: 'duplicate top-up' })
      .expect(201);
    expect(res.body).toMatchObject({
      kind: 'adjustment',
      amountUsd: '-1.5',
      balanceAfterUsd: '-0.5',
      creditSeq: '2',
      note: 'duplicate top-up',
    });
    expect((await root.get(`/api/tenants/${tenant.id}/balance`).expect(200)).body).toMatchObject({
      balanceUsd: '-0.5',
      creditsUsd: '-0.5',
      debitsUsd: '0',
    });
    const up = await root
      .post(`/api/tenants/${tenant.id}/adjustments`, { amountUsd: '0.75', note: 'goodwill' })
      .expect(201);
    expect(up.body.balanceAfterUsd).toBe('0.25');

    for (const body of [
      { amountUsd: '-1' },
      { amountUsd: '-1', note: '   ' },
      { amountUsd: '-1', note: 5 },
    ]) {
      const bad = await root.post(`/api/tenants/${tenant.id}/adjustments`, body).expect(400);
      expect(fields(bad.body)).toEqual(['note']);
    }
    for (const amountUsd of ['0', '-0', '--1', '-1000000.000000001', '1.0000000001', -1]) {
      const bad = await root
        .post(`/api/tenants/${tenant.id}/adjustments`, { amountUsd, note: 'x' })
        .expect(400);
      expect(fields(bad.body)).toEqual(['amountUsd']);
      expect(bad.body.message).toContain('amountUsd');
    }
  });

  it('refuses a bad top-up amount with 400 naming amountUsd, and writes nothing', async () => {
    const tenant = await seedTenant(api);
    for (const amountUsd of ['0', '-1', '1.0000000001', 25, '1e3', ' 1', '1000000.000000001', '', null]) {
      const res = await topup(tenant.id, amountUsd as string).expect(400);
      expect(res.body.code).toBe('validation_failed');
      expect(fields(res.body)).toEqual(['amountUsd']);
    }
    const missing = await root.post(`/api/tenants/${tenant.id}/topups`, { note: 'x' }).expect(400);
    expect(fields(missing.body)).toEqual(['amountUsd']);
    const extra = await root
      .post(`/api/tenants/${tenant.id}/topups`, { amountUsd: '1', creditSeq: 7 })
      .expect(400);
    expect(fields(extra.body)).toEqual(['creditSeq']);
    const longNote = await topup(tenant.id, '1', 'x'.repeat(501)).expect(400);
    expect(fields(longNote.body)).toEqual(['note']);
    expect(await db.getRepository(LedgerEntry).countBy({ tenantId: tenant.id })).toBe(0);
    // The largest single credit is accepted.
    await topup(tenant.id, '1000000').expect(201);
  });

  it('an unknown or malformed tenant id is 404, never 500', async () => {
    const body = { amountUsd: '1', note: 'x' };
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      const responses = await Promise.all([
        root.get(`/api/tenants/${id}/ledger`),
        root.get(`/api/tenants/${id}/balance`),
        root.post(`/api/tenants/${id}/topups`, body),
        root.post(`/api/tenants/${id}/adjustments`, body),
      ]);
      expect(responses.map((res) => res.status)).toEqual([404, 404, 404, 404]);
    }
  });

  it('filters the ledger by kind and period, pages it, newest first', async () => {
    const tenant = await seedTenant(api);
    await topup(tenant.id, '1').expect(201);
    await root.post(`/api/tenants/${tenant.id}/adjustments`, { amountUsd: '2', note: 'a' }).expect(201);
    await topup(tenant.id, '3').expect(201);
    const base = `/api/tenants/${tenant.id}/ledger`;

    const all = await root.get(base).expect(200);
    expect(all.body.items.map((l: LineBody) => l.amountUsd)).toEqual(['3', '2', '1']);
    const topups = await root.get(`${base}?kind=topup`).expect(200);
    expect(topups.body).toMatchObject({ total: 2 });
    expect(topups.body.items.map((l: LineBody) => l.kind)).toEqual(['topup', 'topup']);
    const second = await root.get(`${base}?pageSize=1&page=2`).expect(200);
    expect(second.body).toMatchObject({ total: 3, items: [{ amountUsd: '2' }] });

    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect((await root.get(`${base}?from=${future}`).expect(200)).body).toEqual({ items: [], total: 0 });
    expect((await root.get(`${base}?to=${future}`).expect(200)).body.total).toBe(3);
    const past = new Date(Date.now() - 3_600_000).toISOString();
    expect((await root.get(`${base}?to=${past}`).expect(200)).body.total).toBe(0);

    const bad = await root.get(`${base}?kind=gift&from=yesterday&pageSize=0`).expect(400);
    expect(fields(bad.body).sort()).toEqual(['from', 'kind', 'pageSize']);
  });

  describe('who may see and move money', () => {
    const readerRoles = TENANT_ROLES.map((role) => ({ role, reads: LEDGER_READ_ROLES.includes(role) }));

    it.each(readerRoles)(
      '$role of tenant A: own ledger → 200 only if a ledger reader',
      async ({ role, reads }) => {
        const res = await inA.get(role)!.get(`/api/tenants/${tenantA.id}/ledger`);
        expect(res.status).toBe(reads ? 200 : 403);
      },
    );

    it.each(readerRoles)('$role of tenant A: tenant B’s ledger → never read', async ({ role, reads }) => {
      const res = await inA.get(role)!.get(`/api/tenants/${tenantB.id}/ledger`);
      expect(res.status).toBe(reads ? 404 : 403);
    });

    it.each(TENANT_ROLES)('%s of tenant A reads its own balance, not tenant B’s', async (role) => {
      const own = await inA.get(role)!.get(`/api/tenants/${tenantA.id}/balance`).expect(200);
      expect(own.body.tenantId).toBe(tenantA.id);
      await inA.get(role)!.get(`/api/tenants/${tenantB.id}/balance`).expect(404);
      const tenant = await inA.get(role)!.get(`/api/tenants/${tenantA.id}`).expect(200);
      expect(tenant.body.balanceUsd).toBe(own.body.balanceUsd);
    });

    it.each(TENANT_ROLES)('%s may not top up or adjust, not even its own tenant', async (role) => {
      expect(CREDIT_WRITE_ROLES).not.toContain(role);
      const session = inA.get(role)!;
      for (const tenantId of [tenantA.id, tenantB.id]) {
        const up = await session.post(`/api/tenants/${tenantId}/topups`, { amountUsd: '5' });
        expect(up.status).toBe(403);
        expect(up.body.code).toBe('forbidden');
        const adjust = await session.post(`/api/tenants/${tenantId}/adjustments`, {
          amountUsd: '5',
          note: 'x',
        });
        expect(adjust.status).toBe(403);
      }
      expect(await db.getRepository(LedgerEntry).countBy({ tenantId: tenantA.id })).toBe(0);
      expect(await db.getRepository(LedgerEntry).countBy({ tenantId: tenantB.id })).toBe(0);
    });

    it('a signed-out caller gets 401', async () => {
      await api.http.get(`/api/tenants/${tenantA.id}/ledger`).expect(401);
      await api.http.post(`/api/tenants/${tenantA.id}/topups`).send({ amountUsd: '1' }).expect(401);
    });
  });
});
