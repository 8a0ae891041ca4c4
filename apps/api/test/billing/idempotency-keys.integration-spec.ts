// The Idempotency-Key header on the /api routes that move money, over real HTTP and PostgreSQL: a
// script retrying a timed-out top-up with its key credits once and gets the first answer again,
// whatever races, restarts or other callers do (docs/design.md, "Idempotent requests").
import { Role, Tenant } from '@gateway/identity';
import { waitFor } from '@gateway/testing';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { ApiHarness, startApi, startReplica } from '../api-harness';
import { seedTenant, Session, sessionAs } from '../fixtures';

/** The /api POSTs that move money or issue something countable: each must take the header. */
const IDEMPOTENT_ROUTES = [
  '/api/tenants/{id}/topups',
  '/api/tenants/{id}/adjustments',
  '/api/redemption-codes',
  '/api/redemption-codes/redeem',
  '/api/invoices/generate',
  '/api/invoices/{id}/credit-note',
  '/api/invoices/{id}/payments',
  '/api/tenants/{id}/topup-orders',
];

describe('/api Idempotency-Key', () => {
  let api: ApiHarness;
  let db: DataSource;
  let root: Session;

  const key = () => `retry-${randomUUID()}`;
  const topup = (session: Session, tenantId: string, amountUsd: string, idempotencyKey?: string) => {
    const test = session.post(`/api/tenants/${tenantId}/topups`, { amountUsd });
    return idempotencyKey === undefined ? test : test.set('Idempotency-Key', idempotencyKey);
  };
  const lines = async (tenantId: string) =>
    (await db.query('SELECT amount_nano FROM ledger_entries WHERE tenant_id = $1', [tenantId])) as unknown[];
  const balance = async (tenantId: string) =>
    (await root.get(`/api/tenants/${tenantId}/balance`).expect(200)).body.balanceUsd as string;

  beforeAll(async () => {
    // Stripe at a port nothing listens on: creating a checkout answers 502, a 5xx to retry.
    api = await startApi('billing-idempotency', { STRIPE_API_URL: 'http://127.0.0.1:9' });
    db = api.app.get(DataSource);
    root = await sessionAs(api, Role.SuperAdmin, null);
  });
  afterAll(async () => {
    await api.close();
  });

  it('a retry with the same key and body credits once and replays the first answer, marked', async () => {
    const tenant = await seedTenant(api);
    const retryKey = key();
    const first = await topup(root, tenant.id, '10', retryKey).expect(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();

    const again = await topup(root, tenant.id, '10', retryKey).expect(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.headers['content-type']).toBe(first.headers['content-type']);
    expect(again.text).toBe(first.text);
    expect(await lines(tenant.id)).toHaveLength(1);
    expect(await balance(tenant.id)).toBe('10');

    // Without the header nothing changes: each request is a new line, as before.
    await topup(root, tenant.id, '10').expect(201);
    await topup(root, tenant.id, '10').expect(201);
    expect(await balance(tenant.id)).toBe('30');
  });

  it('the same key with another body or on another route is 422 idempotency_key_reused and changes nothing', async () => {
    const tenant = await seedTenant(api);
    const other = await seedTenant(api);
    const retryKey = key();
    await topup(root, tenant.id, '10', retryKey).expect(201);

    const otherAmount = await topup(root, tenant.id, '11', retryKey).expect(422);
    expect(otherAmount.body).toMatchObject({ statusCode: 422, code: 'idempotency_key_reused' });
    const otherTenant = await topup(root, other.id, '10', retryKey).expect(422);
    expect(otherTenant.body.code).toBe('idempotency_key_reused');
    const otherRoute = await root
      .post(`/api/tenants/${tenant.id}/adjustments`, { amountUsd: '10', note: 'same key' })
      .set('Idempotency-Key', retryKey)
      .expect(422);
    expect(otherRoute.body.code).toBe('idempotency_key_reused');

    expect(await balance(tenant.id)).toBe('10');
    expect(await lines(other.id)).toHaveLength(0);
  });

  it('a retry spelling the same route another way (uppercase id, trailing slash, path case, escapes) replays', async () => {
    const tenant = await seedTenant(api);
    const retryKey = key();
    const first = await topup(root, tenant.id, '10', retryKey).expect(201);
    const escaped = tenant.id.replace(/^./, (c) => `%${c.charCodeAt(0).toString(16)}`);
    for (const path of [
      `/api/tenants/${tenant.id.toUpperCase()}/topups`,
      `/api/tenants/${tenant.id}/topups/`,
      `/api/Tenants/${tenant.id}/TOPUPS`,
      `/api/tenants/${escaped}/topups`,
    ]) {
      const again = await request(api.url)
        .post(path)
        .set('authorization', `Bearer ${root.token}`)
        .set('Idempotency-Key', retryKey)
        .send({ amountUsd: '10' });
      expect([path, again.status, again.headers['idempotent-replayed'], again.text]).toEqual([
        path,
        201,
        'true',
        first.text,
      ]);
    }
    expect(await lines(tenant.id)).toHaveLength(1);
    // Kept for people reading the table: the route as it is canonically spelled.
    const [row] = (await db.query('SELECT request FROM idempotency_keys WHERE key = $1', [retryKey])) as {
      request: string;
    }[];
    expect(row!.request).toBe(`POST /api/tenants/${tenant.id}/topups`);
  });

  it('two requests racing with one key, on two api processes, credit exactly once', async () => {
    const replica = await startReplica(api);
    const bearer = `Bearer ${root.token}`;
    try {
      for (let round = 0; round < 5; round++) {
        const tenant = await seedTenant(api);
        const retryKey = key();
        const send = (url: string) =>
          request(url)
            .post(`/api/tenants/${tenant.id}/topups`)
            .set('authorization', bearer)
            .set('Idempotency-Key', retryKey)
            .send({ amountUsd: '7' });
        const answers = await Promise.all([send(api.url), send(replica.url)]);
        const ran = answers.filter((res) => res.status === 201 && !res.headers['idempotent-replayed']);
        expect(ran).toHaveLength(1);
        for (const res of answers) {
          if (res === ran[0]) continue;
          if (res.status === 409) expect(res.body.code).toBe('idempotency_key_in_use');
          else
            expect([res.status, res.headers['idempotent-replayed'], res.text]).toEqual([
              201,
              'true',
              ran[0]!.text,
            ]);
        }
        expect(await lines(tenant.id)).toHaveLength(1);
      }
    } finally {
      await replica.close();
    }
  });

  it('a retry while the first request still runs is 409 idempotency_key_in_use, then the first answer', async () => {
    const tenant = await seedTenant(api);
    await topup(root, tenant.id, '1').expect(201);
    const retryKey = key();
    // Hold the tenant's balance row, so that the first request waits inside its transaction.
    const holder = db.createQueryRunner();
    await holder.startTransaction();
    try {
      await holder.query('SELECT 1 FROM tenant_balances WHERE tenant_id = $1 FOR UPDATE', [tenant.id]);
      const first = topup(root, tenant.id, '10', retryKey).then((res) => res);
      await waitFor('the first request to claim its key', async () =>
        (await db.query('SELECT 1 FROM idempotency_keys WHERE key = $1', [retryKey])).length === 1
          ? true
          : undefined,
      );
      const meanwhile = await topup(root, tenant.id, '10', retryKey).expect(409);
      expect(meanwhile.body).toMatchObject({ statusCode: 409, code: 'idempotency_key_in_use' });
      await holder.commitTransaction();
      expect((await first).status).toBe(201);
      const after = await topup(root, tenant.id, '10', retryKey).expect(201);
      expect([after.headers['idempotent-replayed'], after.text]).toEqual(['true', (await first).text]);
    } finally {
      if (holder.isTransactionActive) await holder.rollbackTransaction();
      await holder.release();
    }
    expect(await balance(tenant.id)).toBe('11');
  });

  it('keys are each caller’s own: another admin’s same key runs', async () => {
    const tenant = await seedTenant(api);
    const otherRoot = await sessionAs(api, Role.SuperAdmin, null);
    const sharedKey = key();
    await topup(root, tenant.id, '5', sharedKey).expect(201);
    const theirs = await topup(otherRoot, tenant.id, '5', sharedKey).expect(201);
    expect(theirs.headers['idempotent-replayed']).toBeUndefined();
    expect(await balance(tenant.id)).toBe('10');

    // Two tenants' admins redeeming their own codes under one key: each tenant is credited.
    const batch = await root
      .post('/api/redemption-codes', { count: 2, amountUsd: '3' })
      .set('Idempotency-Key', key())
      .expect(201);
    const [codeA, codeB] = batch.body.items as { code: string }[];
    const tenants: Tenant[] = [await seedTenant(api), await seedTenant(api)];
    const redeemKey = key();
    for (const [i, code] of [codeA!, codeB!].entries()) {
      const admin = await sessionAs(api, Role.Admin, tenants[i]!.id);
      const res = await admin
        .post('/api/redemption-codes/redeem', { code: code.code })
        .set('Idempotency-Key', redeemKey)
        .expect(200);
      expect(res.headers['idempotent-replayed']).toBeUndefined();
      expect(await balance(tenants[i]!.id)).toBe('3');
    }
  });

  it('a redemption batch created again with its key is the same batch, and no codes are stored in the clear', async () => {
    const batchKey = key();
    const body = { count: 2, amountUsd: '1', note: 'idempotent batch' };
    const first = await root.post('/api/redemption-codes', body).set('Idempotency-Key', batchKey).expect(201);
    const again = await root.post('/api/redemption-codes', body).set('Idempotency-Key', batchKey).expect(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    const [{ count }] = await db.query(
      'SELECT count(*)::int AS count FROM redemption_codes WHERE note = $1',
      [body.note],
    );
    expect(count).toBe(2);
    const stored = JSON.stringify(await db.query('SELECT * FROM idempotency_keys'));
    for (const item of first.body.items as { code: string }[]) expect(stored).not.toContain(item.code);
  });

  it('a 4xx answer is kept and replayed; a key past 24 hours runs again', async () => {
    const missing = randomUUID();
    const retryKey = key();
    const first = await topup(root, missing, '10', retryKey).expect(404);
    const again = await topup(root, missing, '10', retryKey).expect(404);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.text).toBe(first.text);

    const tenant = await seedTenant(api);
    const oldKey = key();
    await topup(root, tenant.id, '2', oldKey).expect(201);
    const [row] = await db.query('SELECT expires_at, created_at FROM idempotency_keys WHERE key = $1', [
      oldKey,
    ]);
    expect(new Date(row.expires_at).getTime() - new Date(row.created_at).getTime()).toBe(24 * 3600_000);
    await db.query(`UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE key = $1`, [
      oldKey,
    ]);
    const rerun = await topup(root, tenant.id, '2', oldKey).expect(201);
    expect(rerun.headers['idempotent-replayed']).toBeUndefined();
    expect(await balance(tenant.id)).toBe('4');
  });

  it('a request refused as sent (400) keeps no answer: corrected, the same key runs, as Stripe does', async () => {
    const tenant = await seedTenant(api);
    const retryKey = key();
    for (let attempt = 0; attempt < 2; attempt++) {
      const refused = await topup(root, tenant.id, 'ten', retryKey).expect(400);
      expect(refused.body.errors).toEqual([{ field: 'amountUsd', messages: [expect.any(String)] }]);
      expect(refused.headers['idempotent-replayed']).toBeUndefined();
    }
    expect(await db.query('SELECT 1 FROM idempotency_keys WHERE key = $1', [retryKey])).toEqual([]);

    const corrected = await topup(root, tenant.id, '10', retryKey).expect(201);
    expect(corrected.headers['idempotent-replayed']).toBeUndefined();
    const retried = await topup(root, tenant.id, '10', retryKey).expect(201);
    expect([retried.headers['idempotent-replayed'], retried.text]).toEqual(['true', corrected.text]);
    expect(await balance(tenant.id)).toBe('10');
  });

  it('expired keys of callers who never come back are swept as others claim keys', async () => {
    const departed = randomUUID();
    const row = (k: string, expiresAt: string) =>
      db.query(
        `INSERT INTO idempotency_keys (principal, key, claim, request, request_hash, created_at, expires_at)
         VALUES ($1, $2, $3, 'POST /api/x', repeat('0', 64), now() - interval '2 days', ${expiresAt})`,
        [departed, k, randomUUID()],
      );
    for (let i = 0; i < 3; i++) await row(`gone-${i}`, `now() - interval '1 hour'`);
    await row('still-live', `now() + interval '1 hour'`);

    await topup(root, (await seedTenant(api)).id, '1', key()).expect(201);
    const left = await db.query('SELECT key FROM idempotency_keys WHERE principal = $1', [departed]);
    expect(left).toEqual([{ key: 'still-live' }]);
  });

  it('a key whose first request never answered says so after a while, and never runs again', async () => {
    const tenant = await seedTenant(api);
    const retryKey = key();
    await topup(root, tenant.id, '10', retryKey).expect(201);
    // As an api stopped between crediting and storing the answer leaves it, some minutes ago.
    await db.query(
      `UPDATE idempotency_keys SET response_status = NULL, response_type = NULL, response_body = NULL,
              key_version = NULL, created_at = now() - interval '10 minutes' WHERE key = $1`,
      [retryKey],
    );
    const res = await topup(root, tenant.id, '10', retryKey).expect(409);
    expect(res.body).toMatchObject({ statusCode: 409, code: 'idempotency_key_unresolved' });
    expect(res.body.message).toMatch(/new key/);
    expect(await balance(tenant.id)).toBe('10');
  });

  it('a 5xx answer is not kept: the retry with the key runs again', async () => {
    await root
      .patch('/api/payment-providers/stripe', {
        secretKey: `sk_test_${'a'.repeat(24)}`,
        webhookSecret: 'whsec_Zm9vYmFyYmF6cXV4cXV1eA',
        enabled: true,
      })
      .expect(200);
    const tenant = await seedTenant(api);
    const owner = await sessionAs(api, Role.Owner, tenant.id);
    const retryKey = key();
    for (let attempt = 0; attempt < 2; attempt++) {
      const res = await owner
        .post(`/api/tenants/${tenant.id}/topup-orders`, { amountUsd: '5', provider: 'stripe' })
        .set('Idempotency-Key', retryKey)
        .expect(502);
      expect(res.body.code).toBe('payment_provider_unavailable');
      expect(res.headers['idempotent-replayed']).toBeUndefined();
    }
    const orders = await db.query('SELECT status FROM topup_orders WHERE tenant_id = $1', [tenant.id]);
    expect(orders).toEqual([{ status: 'failed' }, { status: 'failed' }]);
    expect(await db.query('SELECT 1 FROM idempotency_keys WHERE key = $1', [retryKey])).toEqual([]);
  });

  it('a key that is empty, too long or not printable ASCII is 400 naming the header, and nothing is credited', async () => {
    const tenant = await seedTenant(api);
    for (const bad of ['', ' ', 'x'.repeat(256), 'café', 'tab\there']) {
      const res = await topup(root, tenant.id, '10', bad).expect(400);
      expect(res.body).toMatchObject({
        statusCode: 400,
        errors: [{ field: 'Idempotency-Key', messages: [expect.any(String)] }],
      });
    }
    await topup(root, tenant.id, '10', 'x'.repeat(255)).expect(201);
    await topup(root, tenant.id, '10', '!~').expect(201);
    expect(await lines(tenant.id)).toHaveLength(2);

    // A route that does not take the header ignores it, bad or repeated: each request runs.
    for (const ignored of ['', 'same', 'same']) {
      await root
        .post('/api/tenants', { name: `ignored-${randomUUID()}` })
        .set('Idempotency-Key', ignored)
        .expect(201);
    }
  });

  it('every money-moving POST documents the header in the OpenAPI document', async () => {
    const doc = (await api.http.get('/api/openapi.json').expect(200)).body as {
      paths: Record<string, { post?: { parameters?: { in: string; name: string }[] } }>;
    };
    for (const path of IDEMPOTENT_ROUTES) {
      const headers = (doc.paths[path]?.post?.parameters ?? []).filter((p) => p.in === 'header');
      expect([path, headers.map((p) => p.name)]).toEqual([path, ['Idempotency-Key']]);
    }
  });
});
