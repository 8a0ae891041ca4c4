// Runtime settings (the dashboard's Settings page): super admins read and change them, bad values are
// named and change nothing, every change is audited, and the change reaches the running processes at
// once — sign-up opens, and the relay's retry and attempt policy follows without a restart.
import { AuditLog } from '@gateway/audit';
import { Role } from '@gateway/identity';
import { startMockUpstream, type MockUpstream } from '@gateway/mock-upstream';
import { waitFor } from '@gateway/testing';
import OpenAI from 'openai';
import { DataSource } from 'typeorm';
import { startApi, type ApiHarness } from '../api-harness';
import { Session, sessionAs, seedTenant } from '../fixtures';
import { createChannel, sdk, seedTenantWithToken } from '../relay/relay-fixture';

describe('runtime settings', () => {
  let api: ApiHarness;
  let mock: MockUpstream;
  let root: Session;
  let admin: string;

  beforeAll(async () => {
    mock = await startMockUpstream();
    api = await startApi('settings', { RELAY_MAX_ATTEMPTS: '5' });
    root = await sessionAs(api, Role.SuperAdmin, null);
    admin = await api.adminToken();
  });

  afterAll(async () => {
    await api?.close();
    await mock?.close();
  });

  it('starts from the environment, and only a super admin reads or changes it', async () => {
    const settings = await root.get('/api/settings').expect(200);
    expect(settings.body).toEqual({
      siteName: 'LLM Gateway',
      siteUrl: null,
      registrationOpen: false,
      relayMaxAttempts: 5,
      relayRetryStatuses: [408, 429, 500, 502, 503, 504, 529],
      relayCooldownBaseMs: 5000,
      relayCooldownMaxMs: 300000,
      issuer: null,
      smtp: null,
      exchangeRates: [],
      overridden: [],
    });
    const tenant = await seedTenant(api);
    const owner = await sessionAs(api, Role.Owner, tenant.id);
    await owner.get('/api/settings').expect(403);
    await owner.patch('/api/settings', { siteName: 'mine' }).expect(403);
    await api.http.get('/api/settings').expect(401);
    // The login page's part needs no session.
    const open = await api.http.get('/api/settings/public').expect(200);
    expect(open.body).toEqual({ siteName: 'LLM Gateway', siteUrl: null, registrationOpen: false });
  });

  it('names every bad field and changes nothing', async () => {
    const bad = await root
      .patch('/api/settings', {
        siteName: '  ',
        siteUrl: 'ftp://example.com',
        registrationOpen: 'yes',
        relayMaxAttempts: 0,
        relayRetryStatuses: [200, 503],
        relayCooldownBaseMs: 1.5,
      })
      .expect(400);
    expect((bad.body.errors as { field: string }[]).map((e) => e.field).sort()).toEqual([
      'registrationOpen',
      'relayCooldownBaseMs',
      'relayMaxAttempts',
      'relayRetryStatuses',
      'siteName',
      'siteUrl',
    ]);
    const crossed = await root
      .patch('/api/settings', { relayCooldownBaseMs: 60_000, relayCooldownMaxMs: 10_000 })
      .expect(400);
    expect(crossed.body).toMatchObject({
      code: 'validation_failed',
      errors: [{ field: 'relayCooldownMaxMs', messages: [expect.stringContaining('relayCooldownBaseMs')] }],
    });
    expect((await root.get('/api/settings').expect(200)).body.overridden).toEqual([]);
  });

  it('opens sign-up at once, audited with before and after', async () => {
    const email = 'newcomer@example.test';
    const body = { email, password: 'a long enough passphrase' };
    await api.http.post('/api/auth/register').send(body).expect(403);
    const changed = await root
      .patch('/api/settings', {
        registrationOpen: true,
        siteName: ' Acme AI ',
        siteUrl: 'https://ai.example.com',
      })
      .expect(200);
    expect(changed.body).toMatchObject({
      registrationOpen: true,
      siteName: 'Acme AI',
      siteUrl: 'https://ai.example.com',
      overridden: expect.arrayContaining(['registrationOpen', 'siteName', 'siteUrl']),
    });
    await waitFor('sign-up to open', async () => {
      const res = await api.http.post('/api/auth/register').send(body);
      return res.status === 202 ? true : undefined;
    });
    const [audit] = await api.app
      .get(DataSource)
      .getRepository(AuditLog)
      .find({ where: { entityType: 'settings' }, order: { createdAt: 'DESC' }, take: 1 });
    expect(audit).toMatchObject({
      action: 'update',
      before: { registrationOpen: false, siteName: 'LLM Gateway', siteUrl: null },
      after: { registrationOpen: true, siteName: 'Acme AI', siteUrl: 'https://ai.example.com' },
    });
    // Clearing the URL stores a JSON null, and the public view follows.
    await root.patch('/api/settings', { siteUrl: null }).expect(200);
    expect((await api.http.get('/api/settings/public').expect(200)).body).toEqual({
      siteName: 'Acme AI',
      siteUrl: null,
      registrationOpen: true,
    });
  });

  it('sets and removes one month’s exchange rate without touching the others', async () => {
    await root
      .patch('/api/settings', {
        exchangeRates: [
          { period: '2026-10', currency: 'JPY', rate: '150' },
          { period: '2026-10', currency: 'EUR', rate: '0.92' },
        ],
      })
      .expect(200);
    // A finance script sets November's euro rate, then corrects it: the yen's rate stays.
    await root.put('/api/settings/exchange-rates/EUR/2026-11', { rate: '0.95' }).expect(200);
    const corrected = await root
      .put('/api/settings/exchange-rates/EUR/2026-11', { rate: '0.940' })
      .expect(200);
    expect(corrected.body.exchangeRates).toEqual([
      { period: '2026-11', currency: 'EUR', rate: '0.94' },
      { period: '2026-10', currency: 'EUR', rate: '0.92' },
      { period: '2026-10', currency: 'JPY', rate: '150' },
    ]);
    // Two at once (two currencies) both land: each edits the list inside the settings lock.
    await Promise.all([
      root.put('/api/settings/exchange-rates/CNY/2026-11', { rate: '7.1' }).expect(200),
      root.put('/api/settings/exchange-rates/GBP/2026-11', { rate: '0.79' }).expect(200),
    ]);
    const both = await root.get('/api/settings').expect(200);
    expect((both.body.exchangeRates as { currency: string }[]).map((row) => row.currency).sort()).toEqual([
      'CNY',
      'EUR',
      'EUR',
      'GBP',
      'JPY',
    ]);
    const removed = await root.delete('/api/settings/exchange-rates/EUR/2026-10').expect(200);
    expect(removed.body.exchangeRates).not.toContainEqual(
      expect.objectContaining({ period: '2026-10', currency: 'EUR' }),
    );
    const missing = await root.delete('/api/settings/exchange-rates/EUR/2026-10').expect(404);
    expect(missing.body.code).toBe('exchange_rate_not_found');

    // Bad input names the field and changes nothing; only a super admin may.
    const before = (await root.get('/api/settings').expect(200)).body.exchangeRates;
    const fields = async (path: string, body: object) =>
      ((await root.put(path, body).expect(400)).body.errors as { field: string }[])
        .map((e) => e.field)
        .sort();
    expect(await fields('/api/settings/exchange-rates/USD/2026-11', { rate: '1' })).toEqual(['currency']);
    expect(await fields('/api/settings/exchange-rates/EUR/2026-13', { rate: '1' })).toEqual(['period']);
    // A mistyped year would be the fallback rate of every later month without one.
    expect(await fields('/api/settings/exchange-rates/EUR/0026-11', { rate: '1' })).toEqual(['period']);
    expect(
      (
        (
          await root
            .patch('/api/settings', { exchangeRates: [{ period: '0026-11', currency: 'EUR', rate: '1' }] })
            .expect(400)
        ).body.errors as { field: string }[]
      ).map((e) => e.field),
    ).toEqual(['exchangeRates.0.period']);
    expect(await fields('/api/settings/exchange-rates/EUR/2026-11', { rate: '0' })).toEqual(['rate']);
    expect(await fields('/api/settings/exchange-rates/EUR/2026-11', { rate: 0.9 })).toEqual(['rate']);
    expect(await fields('/api/settings/exchange-rates/eur/nov', { rate: '1' })).toEqual([
      'currency',
      'period',
    ]);
    expect(await fields('/api/settings/exchange-rates/EUR/2026-11', {})).toEqual(['rate']);
    const tenant = await seedTenant(api);
    const owner = await sessionAs(api, Role.Owner, tenant.id);
    await owner.put('/api/settings/exchange-rates/EUR/2026-11', { rate: '2' }).expect(403);
    await owner.delete('/api/settings/exchange-rates/CNY/2026-11').expect(403);
    expect((await root.get('/api/settings').expect(200)).body.exchangeRates).toEqual(before);
  });

  it('keeps the list within the 2000 rates PATCH takes, one rate at a time too', async () => {
    const full = Array.from({ length: 2000 }, (_, i) => ({
      period: `${2100 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`,
      currency: 'EUR',
      rate: '1',
    }));
    await root.patch('/api/settings', { exchangeRates: full }).expect(200);
    const refused = await root.put('/api/settings/exchange-rates/JPY/2026-11', { rate: '150' }).expect(400);
    expect(refused.body.errors).toEqual([
      { field: 'period', messages: [expect.stringContaining('2000 rates')] },
    ]);
    // Changing one it holds is no growth.
    await root.put('/api/settings/exchange-rates/EUR/2100-01', { rate: '2' }).expect(200);
    await root.patch('/api/settings', { exchangeRates: [] }).expect(200);
  });

  it('changes the relay’s retry statuses and attempt budget without a restart', async () => {
    await createChannel(api, admin, {
      name: 'flaky-500',
      baseUrl: mock.baseUrl,
      models: ['m-settings'],
      priority: 10,
      keys: ['sk-mock;status=500', 'sk-mock;status=500;latency=1'],
    });
    await createChannel(api, admin, {
      name: 'steady',
      baseUrl: mock.baseUrl,
      models: ['m-settings'],
      keys: ['sk-mock-steady'],
    });
    const { key } = await seedTenantWithToken(api, admin);
    const client = sdk(api, key);
    // A new conversation each time: one that answered before would stick to its key.
    let turn = 0;
    const chat = () => ({
      model: 'm-settings',
      messages: [{ role: 'user' as const, content: `hi ${turn++}` }],
    });
    const outcome = () =>
      client.chat.completions.create(chat()).then(
        () => 'ok',
        (e: unknown) => (e instanceof OpenAI.APIError ? e.status : e),
      );

    // Defaults: both 500 keys are skipped and the steady channel answers.
    expect(await outcome()).toBe('ok');
    // One attempt only: the first 500 is the answer's end.
    await root.patch('/api/settings', { relayMaxAttempts: 1 }).expect(200);
    await waitFor('one attempt', async () => ((await outcome()) === 502 ? true : undefined));
    // 500 is no longer retryable: it goes back to the client as it is, whatever the budget.
    await root.patch('/api/settings', { relayMaxAttempts: 5, relayRetryStatuses: [429] }).expect(200);
    await waitFor('500 returned', async () => ((await outcome()) === 500 ? true : undefined));
    await root.patch('/api/settings', { relayRetryStatuses: [408, 429, 500, 502, 503, 504] }).expect(200);
    await waitFor('failover again', async () => ((await outcome()) === 'ok' ? true : undefined));
  });
});
