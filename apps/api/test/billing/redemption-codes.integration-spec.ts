// Redemption codes over real HTTP and PostgreSQL: shown once, stored hashed, redeemed exactly once
// however many requests race with the same code, refused when expired, by the right roles only.
import { AuditLog } from '@gateway/audit';
import { LedgerEntry, REDEEM_ROLES, RedemptionCode } from '@gateway/billing';
import { usdToNano } from '@gateway/db';
import { Role, Tenant } from '@gateway/identity';
import { DataSource } from 'typeorm';
import { ApiHarness, startApi } from '../api-harness';
import { seedTenant, Session, sessionAs } from '../fixtures';

interface CreatedCode {
  id: string;
  code: string;
  maskedCode: string;
  amountUsd: string;
  status: string;
}

const CODE_SHAPE = /^([0-9A-HJKMNP-TV-Z]{4}-){6}[0-9A-HJKMNP-TV-Z]{4}$/;

describe('billing: redemption codes', () => {
  /** A code the expiry test let expire, for comparing refusals with. */
  let expiredCode: string;
  let api: ApiHarness;
  let db: DataSource;
  let root: Session;
  let tenantA: Tenant;
  let tenantB: Tenant;
  let ownerA: Session;
  let adminA: Session;
  let ownerB: Session;

  const createCodes = async (body: object): Promise<CreatedCode[]> =>
    (await root.post('/api/redemption-codes', body).expect(201)).body.items as CreatedCode[];
  /** The tenant's balance in nano-USD (no balance here goes below zero). */
  const balance = async (tenantId: string) =>
    usdToNano((await root.get(`/api/tenants/${tenantId}/balance`).expect(200)).body.balanceUsd as string);
  const fields = (body: { errors?: { field: string }[] }) => (body.errors ?? []).map((e) => e.field);

  beforeAll(async () => {
    api = await startApi('billing-redemption');
    db = api.app.get(DataSource);
    root = await sessionAs(api, Role.SuperAdmin, null);
    tenantA = await seedTenant(api);
    tenantB = await seedTenant(api);
    ownerA = await sessionAs(api, Role.Owner, tenantA.id);
    adminA = await sessionAs(api, Role.Admin, tenantA.id);
    ownerB = await sessionAs(api, Role.Owner, tenantB.id);
  });
  afterAll(async () => {
    await api.close();
  });

  it('creates codes shown once, keeps only a SHA-256 and a hint, and audits the batch without them', async () => {
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
    const res = await root
      .post('/api/redemption-codes', { count: 3, amountUsd: '10', expiresAt, note: 'launch' })
      .expect(201);
    const items = res.body.items as CreatedCode[];
    expect(items).toHaveLength(3);
    expect(new Set(items.map((item) => item.code)).size).toBe(3);
    for (const item of items) {
      expect(item.code).toMatch(CODE_SHAPE);
      const plain = item.code.replace(/-/g, '');
      expect(item.maskedCode).toBe(`${plain.slice(0, 4)}…${plain.slice(-4)}`);
      expect(item).toMatchObject({
        amountUsd: '10',
        status: 'unused',
        expiresAt,
        note: 'launch',
        disabledAt: null,
        disabledBy: null,
      });
    }

    // Every column of every stored row, as PostgreSQL has it.
    const stored = JSON.stringify(
      await db.query('SELECT * FROM redemption_codes WHERE batch_id = $1', [res.body.batchId]),
    );
    expect(stored).toMatch(/"code_hash":"[0-9a-f]{64}"/);
    const audit = JSON.stringify(
      await db
        .getRepository(AuditLog)
        .findBy({ entityType: 'redemption_code_batch', entityId: res.body.batchId }),
    );
    expect(audit).toContain(items[0]!.maskedCode);
    for (const item of items) {
      for (const form of [item.code, item.code.replace(/-/g, '')]) {
        expect(stored).not.toContain(form);
        expect(audit).not.toContain(form);
      }
    }

    const listed = await root.get(`/api/redemption-codes?batchId=${res.body.batchId}`).expect(200);
    expect(listed.body.total).toBe(3);
    expect(JSON.stringify(listed.body)).not.toContain(items[0]!.code);
    expect(listed.body.items[0]).not.toHaveProperty('code');
  });

  it('redeems once into the caller’s tenant (typed loosely), then answers 409 for anyone', async () => {
    const [code] = await createCodes({ count: 1, amountUsd: '12.5' });
    const before = await balance(tenantA.id);
    const typed = ` ${code!.code.toLowerCase().replace(/-/g, ' ')} `;
    const res = await ownerA.post('/api/redemption-codes/redeem', { code: typed }).expect(200);
    expect(res.body).toMatchObject({
      tenantId: tenantA.id,
      kind: 'redemption',
      amountUsd: '12.5',
      ref: code!.id,
      createdBy: ownerA.user.id,
    });
    expect((await balance(tenantA.id)) - before).toBe(12_500_000_000n);

    for (const session of [ownerA, adminA, ownerB]) {
      const again = await session.post('/api/redemption-codes/redeem', { code: code!.code }).expect(409);
      expect(again.body.code).toBe('redemption_code_redeemed');
    }
    const redeemed = await root.get('/api/redemption-codes?status=redeemed').expect(200);
    expect(redeemed.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          id: code!.id,
          status: 'redeemed',
          redeemedTenantId: tenantA.id,
          redeemedBy: ownerA.user.id,
          ledgerEntryId: res.body.id,
        }),
      ]),
    );
    const audit = await db.getRepository(AuditLog).findOneByOrFail({
      entityType: 'redemption_code',
      entityId: code!.id,
    });
    expect(audit).toMatchObject({ action: 'update', tenantId: tenantA.id });
  });

  it('credits once when 12 requests race with the same code from two tenants', async () => {
    const [code] = await createCodes({ count: 1, amountUsd: '7' });
    const balances = { a: await balance(tenantA.id), b: await balance(tenantB.id) };
    const attempts = Array.from({ length: 12 }, (_, i) => {
      if (i % 3 === 0) return ownerA.post('/api/redemption-codes/redeem', { code: code!.code });
      if (i % 3 === 1) return adminA.post('/api/redemption-codes/redeem', { code: code!.code });
      return root.post('/api/redemption-codes/redeem', { code: code!.code, tenantId: tenantB.id });
    });
    const statuses = (await Promise.all(attempts)).map((res) => res.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status === 409)).toHaveLength(11);

    const lines = await db.getRepository(LedgerEntry).findBy({ kind: 'redemption', ref: code!.id });
    expect(lines).toHaveLength(1);
    const credited = lines[0]!.tenantId === tenantA.id ? 'a' : 'b';
    const after = { a: await balance(tenantA.id), b: await balance(tenantB.id) };
    const other = credited === 'a' ? 'b' : 'a';
    expect(after[other]).toBe(balances[other]);
    expect(after[credited] - balances[credited]).toBe(7_000_000_000n);
  });

  it('refuses an expired code with 410 redemption_code_expired and lists it as expired', async () => {
    const [code] = await createCodes({
      count: 1,
      amountUsd: '3',
      expiresAt: new Date(Date.now() + 60_000).toISOString(),
    });
    await db.getRepository(RedemptionCode).update(code!.id, { expiresAt: new Date(Date.now() - 1_000) });
    expiredCode = code!.code;
    const before = await balance(tenantA.id);
    const res = await ownerA.post('/api/redemption-codes/redeem', { code: code!.code }).expect(410);
    expect(res.body.code).toBe('redemption_code_expired');
    expect(await balance(tenantA.id)).toBe(before);
    const expired = await root.get('/api/redemption-codes?status=expired').expect(200);
    expect(expired.body.items.map((item: { id: string }) => item.id)).toContain(code!.id);
    const unused = await root.get('/api/redemption-codes?status=unused&pageSize=200').expect(200);
    expect(unused.body.items.map((item: { id: string }) => item.id)).not.toContain(code!.id);
  });

  it('disables an unused code: redeeming it is then refused like an expired one, audited, nothing else changes', async () => {
    const [code, other] = await createCodes({ count: 2, amountUsd: '4' });
    const before = await balance(tenantA.id);
    const res = await root.post(`/api/redemption-codes/${code!.id}/disable`, {}).expect(200);
    expect(res.body).toMatchObject({ id: code!.id, status: 'disabled', disabledBy: root.user.id });
    expect(Date.parse(res.body.disabledAt as string)).toBeGreaterThan(Date.now() - 60_000);
    const refused = await ownerA.post('/api/redemption-codes/redeem', { code: code!.code }).expect(410);
    expect(refused.body).toMatchObject({ code: 'redemption_code_disabled', message: expect.any(String) });
    expect(Object.keys(refused.body).sort()).toEqual(
      Object.keys(
        (await ownerA.post('/api/redemption-codes/redeem', { code: expiredCode }).expect(410)).body as object,
      ).sort(),
    );
    expect(await balance(tenantA.id)).toBe(before);
    // Disabling again changes nothing; the batch's other code still redeems.
    const again = await root.post(`/api/redemption-codes/${code!.id}/disable`, {}).expect(200);
    expect(again.body.disabledAt).toBe(res.body.disabledAt);
    await ownerA.post('/api/redemption-codes/redeem', { code: other!.code }).expect(200);

    const audits = await db
      .getRepository(AuditLog)
      .findBy({ entityType: 'redemption_code', entityId: code!.id });
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({
      action: 'update',
      before: expect.objectContaining({ status: 'unused' }),
      after: expect.objectContaining({ status: 'disabled' }),
    });
    const disabled = await root.get('/api/redemption-codes?status=disabled').expect(200);
    expect(disabled.body.items.map((item: { id: string }) => item.id)).toEqual([code!.id]);
    for (const status of ['unused', 'expired', 'redeemed']) {
      const listed = await root.get(`/api/redemption-codes?status=${status}&pageSize=200`).expect(200);
      expect(listed.body.items.map((item: { id: string }) => item.id)).not.toContain(code!.id);
    }
  });

  it('disables a whole batch but the codes already redeemed, which stay redeemed', async () => {
    const created = await root.post('/api/redemption-codes', { count: 3, amountUsd: '5' }).expect(201);
    const [spent, leaked1, leaked2] = created.body.items as CreatedCode[];
    const batchId = created.body.batchId as string;
    const line = await ownerA.post('/api/redemption-codes/redeem', { code: spent!.code }).expect(200);
    const before = await balance(tenantA.id);

    const res = await root.post(`/api/redemption-codes/batches/${batchId}/disable`, {}).expect(200);
    expect(res.body).toEqual({ batchId, disabled: 2, redeemed: 1 });
    for (const code of [leaked1!, leaked2!]) {
      const refused = await ownerB.post('/api/redemption-codes/redeem', { code: code.code }).expect(410);
      expect(refused.body.code).toBe('redemption_code_disabled');
    }
    // Nothing is taken back.
    expect(await balance(tenantA.id)).toBe(before);
    const listed = await root.get(`/api/redemption-codes?batchId=${batchId}`).expect(200);
    const byId = new Map(listed.body.items.map((item: { id: string; status: string }) => [item.id, item]));
    expect(byId.get(spent!.id)).toMatchObject({
      status: 'redeemed',
      ledgerEntryId: line.body.id,
      disabledAt: null,
    });
    expect(byId.get(leaked1!.id)).toMatchObject({ status: 'disabled' });
    // A single redeemed code cannot be disabled: 409, as redeeming it again would be.
    const redeemed = await root.post(`/api/redemption-codes/${spent!.id}/disable`, {}).expect(409);
    expect(redeemed.body.code).toBe('redemption_code_redeemed');
    // Again: nothing left to disable.
    await root
      .post(`/api/redemption-codes/batches/${batchId}/disable`, {})
      .expect(200, { batchId, disabled: 0, redeemed: 1 });
    const audits = await db
      .getRepository(AuditLog)
      .findBy({ entityType: 'redemption_code_batch', entityId: batchId, action: 'update' });
    expect(audits).toHaveLength(1);
    expect(JSON.stringify(audits[0]!.after)).toContain(leaked1!.maskedCode);
    expect(JSON.stringify(audits[0]!.after)).not.toContain(leaked1!.code);

    const unknown = '00000000-0000-4000-8000-000000000000';
    expect((await root.post(`/api/redemption-codes/${unknown}/disable`, {}).expect(404)).body.code).toBe(
      'redemption_code_not_found',
    );
    await root.post(`/api/redemption-codes/batches/${unknown}/disable`, {}).expect(404);
    await root.post('/api/redemption-codes/not-a-uuid/disable', {}).expect(404);
    for (const session of [ownerA, adminA]) {
      await session.post(`/api/redemption-codes/${leaked1!.id}/disable`, {}).expect(403);
      await session.post(`/api/redemption-codes/batches/${batchId}/disable`, {}).expect(403);
    }
  });

  it('answers 404 redemption_code_not_found for an unknown or malformed code', async () => {
    const [code] = await createCodes({ count: 1, amountUsd: '1' });
    const wrong = code!.code.slice(0, -1) + (code!.code.endsWith('0') ? '1' : '0');
    for (const attempt of [wrong, 'abc', '!'.repeat(28)]) {
      const res = await ownerA.post('/api/redemption-codes/redeem', { code: attempt }).expect(404);
      expect(res.body.code).toBe('redemption_code_not_found');
    }
  });

  it('lets only a tenant’s owner or admin redeem; a super admin must name an existing tenant', async () => {
    const [code] = await createCodes({ count: 1, amountUsd: '2' });
    for (const role of [Role.Member, Role.Finance]) {
      expect(REDEEM_ROLES).not.toContain(role);
      const session = await sessionAs(api, role, tenantA.id);
      await session.post('/api/redemption-codes/redeem', { code: code!.code }).expect(403);
    }
    // Owners and admins redeem into their own tenant only.
    const elsewhere = await ownerA
      .post('/api/redemption-codes/redeem', { code: code!.code, tenantId: tenantB.id })
      .expect(404);
    expect(elsewhere.body.code).toBe('not_found');
    const noTenant = await root.post('/api/redemption-codes/redeem', { code: code!.code }).expect(400);
    expect(noTenant.body.code).toBe('tenant_required');
    await root
      .post('/api/redemption-codes/redeem', {
        code: code!.code,
        tenantId: '00000000-0000-4000-8000-000000000000',
      })
      .expect(404);
    // The code survived all of that, unused.
    await root.post('/api/redemption-codes/redeem', { code: code!.code, tenantId: tenantB.id }).expect(200);
  });

  it('keeps creating and listing codes to super admins', async () => {
    for (const session of [ownerA, adminA]) {
      await session.post('/api/redemption-codes', { count: 1, amountUsd: '1' }).expect(403);
      await session.get('/api/redemption-codes').expect(403);
    }
  });

  it('validates a batch, naming each bad field', async () => {
    const past = new Date(Date.now() - 1_000).toISOString();
    const bad = await root
      .post('/api/redemption-codes', { count: 0, amountUsd: '0', expiresAt: past, note: 'x'.repeat(501) })
      .expect(400);
    expect(fields(bad.body).sort()).toEqual(['amountUsd', 'count', 'expiresAt', 'note']);
    for (const count of [1001, 1.5, 'ten']) {
      const res = await root.post('/api/redemption-codes', { count, amountUsd: '1' }).expect(400);
      expect(fields(res.body)).toEqual(['count']);
    }
    const status = await root.get('/api/redemption-codes?status=spent').expect(400);
    expect(fields(status.body)).toEqual(['status']);
  });

  it('creates up to 1000 distinct codes at once', async () => {
    const items = await createCodes({ count: 1000, amountUsd: '0.01' });
    expect(new Set(items.map((item) => item.code)).size).toBe(1000);
    expect(new Set(items.map((item) => item.id)).size).toBe(1000);
  });
});
