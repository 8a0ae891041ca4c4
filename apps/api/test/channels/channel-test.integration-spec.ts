// POST /api/channels/:id/test against the in-process mock provider: a real request goes out with
// the chosen key, the outcome is classified and stored on the key, secrets are masked.
import { once } from 'node:events';
import { createServer } from 'node:net';
import { ChannelKey } from '@gateway/channels';
import { Role } from '@gateway/identity';
import { MockUpstream, startMockUpstream } from '@gateway/mock-upstream';
import { DataSource } from 'typeorm';
import { ApiHarness, startApi } from '../api-harness';
import { Session, sessionAs } from '../fixtures';

describe('channel test', () => {
  let api: ApiHarness;
  let admin: Session;
  let db: DataSource;
  let mock: MockUpstream;
  let n = 0;

  beforeAll(async () => {
    [api, mock] = await Promise.all([startApi('channel-test'), startMockUpstream()]);
    db = api.app.get(DataSource);
    admin = await sessionAs(api, Role.SuperAdmin, null);
  });
  afterAll(async () => {
    await mock.close();
    await api.close();
  });
  beforeEach(() => mock.reset());

  async function channelWith(
    keys: { key: string; priority?: number; status?: string }[],
    overrides: object = {},
  ) {
    n += 1;
    const channel = await admin
      .post('/api/channels', {
        name: `test-${n}-${Date.now()}`,
        type: 'openai',
        baseUrl: mock.baseUrl,
        models: ['mock-gpt', 'fast'],
        modelMapping: { fast: 'mock-gpt-mini' },
        timeoutMs: 5000,
        ...overrides,
      })
      .expect(201);
    const ids: string[] = [];
    for (const key of keys) {
      const res = await admin.post(`/api/channels/${channel.body.id}/keys`, key).expect(201);
      ids.push(res.body.id as string);
    }
    return { id: channel.body.id as string, keyIds: ids };
  }

  const keyRow = (id: string) => db.getRepository(ChannelKey).findOneByOrFail({ id });

  it('a good key: healthy, the mock got a minimal chat completion with that key, health stored', async () => {
    const { id, keyIds } = await channelWith([{ key: 'sk-mock-good-key' }]);
    const res = await admin.post(`/api/channels/${id}/test`, {}).expect(200);
    expect(res.body).toMatchObject({
      ok: true,
      result: 'healthy',
      status: 200,
      message: 'ok',
      model: 'mock-gpt',
      upstreamModel: 'mock-gpt',
      keyId: keyIds[0],
      maskedKey: 'sk-…-key',
    });
    expect(res.body.latencyMs).toEqual(expect.any(Number));
    await mock.settled();
    expect(mock.requests).toHaveLength(1);
    expect(mock.requests[0]).toMatchObject({
      method: 'POST',
      path: '/v1/chat/completions',
      apiKey: 'sk-mock-good-key',
      status: 200,
      body: { model: 'mock-gpt', messages: [{ role: 'user', content: 'ping' }], max_tokens: 1 },
    });
    const row = await keyRow(keyIds[0]!);
    expect(row.health).toBe('healthy');
    expect(row.lastCheckedAt?.toISOString()).toBe(res.body.checkedAt);
    const keys = await admin.get(`/api/channels/${id}/keys`).expect(200);
    expect(keys.body.items[0]).toMatchObject({ health: 'healthy', lastCheckedAt: res.body.checkedAt });
  });

  it('maps an alias through modelMapping', async () => {
    const { id } = await channelWith([{ key: 'sk-mock-good-key' }]);
    const res = await admin.post(`/api/channels/${id}/test`, { model: 'fast' }).expect(200);
    expect(res.body).toMatchObject({ ok: true, model: 'fast', upstreamModel: 'mock-gpt-mini' });
    await mock.settled();
    expect(mock.requests[0]?.body).toMatchObject({ model: 'mock-gpt-mini' });
  });

  it.each([
    ['sk-mock;status=429;retryAfter=3', 'rate_limited', 429],
    ['sk-mock;status=401', 'invalid', 401],
    ['sk-mock;status=403', 'invalid', 403],
    ['sk-mock;status=500', 'error', 500],
    ['sk-mock;status=503', 'error', 503],
    ['sk-mock;status=404', 'error', 404],
  ])('%s → %s', async (key, result, status) => {
    const { id, keyIds } = await channelWith([{ key }]);
    const res = await admin.post(`/api/channels/${id}/test`, {}).expect(200);
    expect(res.body).toMatchObject({ ok: false, result, status });
    expect(res.body.message).toContain('simulated');
    expect(res.body.message).not.toContain(key);
    await mock.settled();
    expect(mock.requests).toHaveLength(1);
    expect(mock.requests[0]?.apiKey).toBe(key);
    expect((await keyRow(keyIds[0]!)).health).toBe(result);
  });

  it('an upstream that never answers: error with no status, within the channel timeout', async () => {
    const { id, keyIds } = await channelWith([{ key: 'sk-mock;hang=1' }], { timeoutMs: 1000 });
    const started = Date.now();
    const res = await admin.post(`/api/channels/${id}/test`, {}).expect(200);
    const took = Date.now() - started;
    expect(res.body).toMatchObject({ ok: false, result: 'error', status: null });
    expect(res.body.message).toMatch(/1000 ms/);
    expect(took).toBeGreaterThanOrEqual(900);
    expect(took).toBeLessThan(5000);
    await mock.settled();
    expect(mock.requests[0]).toMatchObject({ aborted: true });
    expect((await keyRow(keyIds[0]!)).health).toBe('error');
  });

  it('nothing listening: error with no status', async () => {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as { port: number }).port;
    await new Promise((resolve) => server.close(resolve));
    const { id } = await channelWith([{ key: 'sk-mock-good-key' }], {
      baseUrl: `http://127.0.0.1:${port}/v1`,
    });
    const res = await admin.post(`/api/channels/${id}/test`, {}).expect(200);
    expect(res.body).toMatchObject({ ok: false, result: 'error', status: null });
    expect(res.body.message).toContain('ECONNREFUSED');
  });

  it('masks secrets in an upstream error text', async () => {
    // The mock echoes an unknown option's name in its 400 message: here, a secret-looking string.
    const key = 'sk-mock;sk-leakedSECRETvalue1234567890=1';
    const { id } = await channelWith([{ key }]);
    const res = await admin.post(`/api/channels/${id}/test`, {}).expect(200);
    expect(res.body).toMatchObject({ ok: false, result: 'error', status: 400 });
    expect(res.body.message).toContain('Unknown mock option');
    expect(res.body.message).not.toContain('leakedSECRET');
    expect(res.body.message).toContain('sk-…7890');
    await mock.settled();
    expect(mock.requests[0]?.status).toBe(400);
  });

  it('uses the highest-priority enabled key unless one is named', async () => {
    const { id, keyIds } = await channelWith([
      { key: 'sk-mock;tokens=1;latency=0', priority: 1 },
      { key: 'sk-mock;tokens=2', priority: 9, status: 'disabled' },
      { key: 'sk-mock;tokens=3', priority: 5 },
    ]);
    const res = await admin.post(`/api/channels/${id}/test`, {}).expect(200);
    expect(res.body.keyId).toBe(keyIds[2]);
    await mock.settled();
    expect(mock.requests[0]?.apiKey).toBe('sk-mock;tokens=3');

    mock.reset();
    const named = await admin.post(`/api/channels/${id}/test`, { keyId: keyIds[1] }).expect(200);
    expect(named.body.keyId).toBe(keyIds[1]);
    await mock.settled();
    expect(mock.requests[0]?.apiKey).toBe('sk-mock;tokens=2');
  });

  it('refuses a model the channel does not serve, a key of another channel, and a channel without enabled keys', async () => {
    const a = await channelWith([{ key: 'sk-mock-good-key' }]);
    const b = await channelWith([{ key: 'sk-mock-good-key' }]);
    const wrongModel = await admin.post(`/api/channels/${a.id}/test`, { model: 'gpt-5' }).expect(400);
    expect(wrongModel.body.code).toBe('model_not_served');
    await admin.post(`/api/channels/${a.id}/test`, { keyId: b.keyIds[0] }).expect(404);
    const bad = await admin.post(`/api/channels/${a.id}/test`, { keyId: 'nope' }).expect(400);
    expect((bad.body.errors as { field: string }[]).map((e) => e.field)).toEqual(['keyId']);
    const empty = await channelWith([{ key: 'sk-mock-off-key', status: 'disabled' }]);
    const none = await admin.post(`/api/channels/${empty.id}/test`, {}).expect(409);
    expect(none.body.code).toBe('no_enabled_key');
    expect(mock.requests).toHaveLength(0);
  });
});
