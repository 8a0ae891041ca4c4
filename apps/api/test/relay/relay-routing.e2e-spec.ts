// Routing for free-tier and subscription pools (#15), through the official OpenAI SDK against the
// mock upstream and two api processes on one database and Redis: model fallback chains and `auto`,
// per-(key, model) cooldowns, live key health (401 → invalid at once, 402 → long cooldown),
// transient retries on the last candidate, and the cooldown-amplification drill.
import type { MockUpstream } from '@gateway/mock-upstream';
import { waitFor } from '@gateway/testing';
import OpenAI from 'openai';
import request from 'supertest';
import { DataSource } from 'typeorm';
import type { ApiHarness } from '../api-harness';
import {
  createChannel,
  fund,
  sdkError,
  seedTenantWithToken,
  issueToken,
  startRelayPair,
  usageRecord,
  type RelayPair,
} from './relay-fixture';

interface KeyRow {
  id: string;
  status: string;
  health: string;
  cooldownUntil: string | null;
  cooldownReason: string | null;
  modelCooldowns: Record<string, string>;
  last429At: string | null;
}

describe('routing: chains, per-model cooldowns, live key health (openai SDK → two api processes → mock)', () => {
  let relay: RelayPair;
  let api: ApiHarness;
  let mock: MockUpstream;
  let admin: string;
  let tenantId: string;
  let key: string;
  let a: OpenAI;
  let b: OpenAI;

  beforeAll(async () => {
    relay = await startRelayPair('relay_routing', { ingestor: true });
    ({ api, mock, admin } = relay);
    ({ tenantId, key } = await seedTenantWithToken(api, admin));
    await fund(api, tenantId, '100');
    [a, b] = relay.clients(key);
  });
  afterAll(() => relay?.close());
  beforeEach(() => mock.reset());

  let turn = 0;
  /** A request of its own conversation (no sticky session shared with another test's request). */
  const chat = (model: string, prompt = 'hello') => ({
    model,
    messages: [{ role: 'user' as const, content: `${prompt} #${turn++}` }],
  });
  const callsTo = (apiKey: string) => mock.requests.filter((r) => r.apiKey === apiKey).length;

  const admin$ = () => ({ authorization: `Bearer ${admin}` });
  async function setPrice(model: string, perRequest: string): Promise<void> {
    await request(api.url)
      .put(`/api/models/${model}/price`)
      .set(admin$())
      .send({ inputPer1M: '0', outputPer1M: '0', perRequest })
      .expect(200);
  }
  async function keyRows(channelId: string): Promise<KeyRow[]> {
    const res = await request(api.url).get(`/api/channels/${channelId}/keys`).set(admin$()).expect(200);
    return (res.body as { items: KeyRow[] }).items;
  }
  async function keyRow(channelId: string, keyId: string): Promise<KeyRow> {
    return (await keyRows(channelId)).find((k) => k.id === keyId) as KeyRow;
  }
  async function auditOf(entityId: string): Promise<{ before: unknown; after: unknown }[]> {
    return (await api.app
      .get(DataSource)
      .query('SELECT before, after FROM audit_logs WHERE entity_id = $1 ORDER BY created_at', [
        entityId,
      ])) as { before: unknown; after: unknown }[];
  }

  describe('model chains and auto', () => {
    let chainId: string;
    let creditKeyId: string;
    let creditChannelId: string;

    beforeAll(async () => {
      await createChannel(api, admin, {
        name: 'free-pool',
        baseUrl: mock.baseUrl,
        models: ['llama-free'],
        keys: ['sk-mock-free;status=429'],
      });
      const credit = await createChannel(api, admin, {
        name: 'credit-pool',
        baseUrl: mock.baseUrl,
        models: ['gemini-flash'],
        keys: ['sk-mock-credit;status=402'],
      });
      creditKeyId = credit.keyIds[0] as string;
      creditChannelId = credit.id;
      await createChannel(api, admin, {
        name: 'paid-pool',
        baseUrl: mock.baseUrl,
        models: ['qwen-paid'],
        keys: ['sk-mock-paid-0001'],
      });
      await setPrice('llama-free', '0.001');
      await setPrice('gemini-flash', '0.002');
      await setPrice('qwen-paid', '0.004');
    });

    it('creates, reads, reorders and refuses bad chains through /api, each change audited', async () => {
      const created = await request(api.url)
        .post('/api/model-chains')
        .set(admin$())
        .send({ name: 'free-chat', models: ['llama-free', 'gemini-flash', 'qwen-paid'] })
        .expect(201);
      expect(created.body).toMatchObject({
        name: 'free-chat',
        models: ['llama-free', 'gemini-flash', 'qwen-paid'],
      });
      chainId = (created.body as { id: string }).id;

      const reordered = await request(api.url)
        .patch(`/api/model-chains/${chainId}`)
        .set(admin$())
        .send({ models: ['gemini-flash', 'llama-free', 'qwen-paid'] })
        .expect(200);
      expect(reordered.body.models).toEqual(['gemini-flash', 'llama-free', 'qwen-paid']);
      await request(api.url)
        .patch(`/api/model-chains/${chainId}`)
        .set(admin$())
        .send({ models: ['llama-free', 'gemini-flash', 'qwen-paid'] })
        .expect(200);
      const listed = await request(api.url).get('/api/model-chains').set(admin$()).expect(200);
      expect(listed.body).toMatchObject({ total: 1, items: [{ id: chainId, name: 'free-chat' }] });

      const bad = [
        [{ name: 'auto', models: ['x'] }, 'name'],
        [{ name: 'free-chat', models: ['x'] }, 'name'],
        [{ name: 'c1', models: [] }, 'models'],
        [{ name: 'c1', models: ['x', 'x'] }, 'models'],
        [{ name: 'c1', models: ['c1'] }, 'models'],
        [{ name: 'c1', models: ['has space'] }, 'models'],
        [{ name: 'c1', models: 'x' }, 'models'],
      ] as const;
      for (const [body, field] of bad) {
        const res = await request(api.url).post('/api/model-chains').set(admin$()).send(body);
        expect([400, 409]).toContain(res.status);
        expect((res.body as { errors: { field: string }[] }).errors.map((e) => e.field)).toContain(field);
      }
      const after = await request(api.url).get('/api/model-chains').set(admin$()).expect(200);
      expect(after.body.total).toBe(1);
      expect((await auditOf(chainId)).length).toBe(3);

      // Tenants' users never see chains (routing config is the operator's).
      const member = await request(api.url).get('/api/model-chains').set('authorization', `Bearer ${key}`);
      expect(member.status).toBe(401);
    });

    it('falls from a 429ing model to a 402ing one to a healthy one in one request, priced as the one that answered', async () => {
      // On the second process: the chain was announced to it.
      const { data, response } = await b.chat.completions.create(chat('free-chat')).withResponse();
      expect(data.model).toBe('qwen-paid');
      expect(response.headers.get('x-routed-via')).toBe('paid-pool/qwen-paid');
      expect(response.headers.get('x-fallback-attempts')).toBe('2');
      expect(mock.requests.map((r) => r.apiKey)).toEqual([
        'sk-mock-free;status=429',
        'sk-mock-credit;status=402',
        'sk-mock-paid-0001',
      ]);
      const record = await usageRecord(api, admin, response.headers.get('x-request-id') as string);
      expect(record).toMatchObject({
        model: 'free-chat',
        servedModel: 'qwen-paid',
        upstreamModel: 'qwen-paid',
        status: 200,
        costUsd: '0.004',
      });
      expect(record.fallbacks.map((f) => [f.channelName, f.status, f.code])).toEqual([
        ['free-pool', 429, 'rate_limited'],
        ['credit-pool', 402, 'out_of_credit'],
      ]);

      // The key out of credit cools long (an hour by default) and says why; audited once.
      const credit = await keyRow(creditChannelId, creditKeyId);
      expect(credit.cooldownReason).toBe('out_of_credit');
      expect(Date.parse(credit.cooldownUntil ?? '') - Date.now()).toBeGreaterThan(3_500_000);
      await waitFor('the out-of-credit audit row', async () =>
        (await auditOf(creditKeyId)).some(
          (row) => (row.after as { cooldownReason?: string } | null)?.cooldownReason === 'out_of_credit',
        )
          ? true
          : undefined,
      );
    });

    it('serves `auto` from the group’s default chain, set through /api, on every process', async () => {
      const before = await sdkError(a.chat.completions.create(chat('auto')));
      expect(before.status).toBe(404);

      for (const body of [{ chain: 'no-such-chain' }, { chain: 12 }, {}]) {
        const res = await request(api.url).put('/api/groups/default/default-chain').set(admin$()).send(body);
        expect(res.status).toBe(400);
        expect((res.body as { errors: { field: string }[] }).errors.map((e) => e.field)).toContain('chain');
      }
      await request(api.url)
        .put('/api/groups/Bad Group/default-chain')
        .set(admin$())
        .send({ chain: 'free-chat' })
        .expect(400);
      const set = await request(api.url)
        .put('/api/groups/default/default-chain')
        .set(admin$())
        .send({ chain: 'free-chat' })
        .expect(200);
      expect(set.body).toEqual({ group: 'default', defaultChain: 'free-chat', hashedSessions: true });

      mock.reset();
      for (const client of [a, b]) {
        const { data, response } = await client.chat.completions.create(chat('auto')).withResponse();
        expect(data.model).toBe('qwen-paid');
        const record = await usageRecord(api, admin, response.headers.get('x-request-id') as string);
        expect(record).toMatchObject({ model: 'auto', servedModel: 'qwen-paid', costUsd: '0.004' });
      }
      // The 402ing key cools for an hour: never asked again. The 429ing model cooled too.
      expect(callsTo('sk-mock-credit;status=402')).toBe(0);
      expect(callsTo('sk-mock-paid-0001')).toBe(2);

      const models = await a.models.list();
      const ids = models.data.map((m) => m.id);
      expect(ids).toEqual(expect.arrayContaining(['free-chat', 'auto', 'qwen-paid']));
    });

    it('applies a token’s model allowlist to the asked and the served models', async () => {
      const only = async (models: string[]) => {
        const issued = await issueToken(api, admin, { tenantId, models });
        return relay.clients(issued.key)[0];
      };
      // The chain's name alone does not open its members.
      const nameOnly = await sdkError((await only(['free-chat'])).chat.completions.create(chat('free-chat')));
      expect(nameOnly.status).toBe(403);
      expect(nameOnly.code).toBe('model_not_allowed');
      // A member alone does not open the chain.
      const memberOnly = await sdkError(
        (await only(['qwen-paid'])).chat.completions.create(chat('free-chat')),
      );
      expect(memberOnly.status).toBe(403);
      // The chain and one member: that member serves, the others are skipped.
      mock.reset();
      const allowed = await only(['free-chat', 'qwen-paid']);
      const answer = await allowed.chat.completions.create(chat('free-chat'));
      expect(answer.model).toBe('qwen-paid');
      expect(mock.requests.map((r) => r.apiKey)).toEqual(['sk-mock-paid-0001']);
      // And /v1/models shows the chain only to a token that may use it.
      const listed = (await (await only(['qwen-paid'])).models.list()).data.map((m) => m.id);
      expect(listed).toEqual(['qwen-paid']);
    });

    it('answers 404 for a chain none of whose models the group is served', async () => {
      const ghost = await request(api.url)
        .post('/api/model-chains')
        .set(admin$())
        .send({ name: 'ghost-chain', models: ['nobody-serves-this'] })
        .expect(201);
      const error = await sdkError(b.chat.completions.create(chat('ghost-chain')));
      expect(error.status).toBe(404);
      expect(error.code).toBe('model_not_found');
      expect(mock.requests).toHaveLength(0);
      await request(api.url)
        .delete(`/api/model-chains/${(ghost.body as { id: string }).id}`)
        .set(admin$())
        .expect(204);
    });

    it('deletes a chain: its name and `auto` stop being served everywhere', async () => {
      await request(api.url).delete(`/api/model-chains/${chainId}`).set(admin$()).expect(204);
      await request(api.url).delete(`/api/model-chains/${chainId}`).set(admin$()).expect(404);
      for (const client of [a, b]) {
        expect((await sdkError(client.chat.completions.create(chat('free-chat')))).status).toBe(404);
        expect((await sdkError(client.chat.completions.create(chat('auto')))).status).toBe(404);
      }
      const routing = await request(api.url).get('/api/groups/default/routing').set(admin$()).expect(200);
      expect(routing.body).toEqual({ group: 'default', defaultChain: null, hashedSessions: true });
    });
  });

  it('cools a model on one key while another model of the same key still serves', async () => {
    const limited = 'mm-limited;status=429;retryAfter=30';
    const channel = await createChannel(api, admin, {
      name: 'one-key-two-models',
      baseUrl: mock.baseUrl,
      models: ['mm-a', 'mm-b'],
      modelMapping: { 'mm-a': limited },
      keys: ['sk-mock-one-key-0001'],
    });
    const first = await sdkError(a.chat.completions.create(chat('mm-a')));
    expect(first.status).toBe(429);
    expect(first.code).toBe('upstreams_rate_limited');
    expect(mock.requests).toHaveLength(1);

    const other = await b.chat.completions.create(chat('mm-b'));
    expect(other.model).toBe('mm-b');
    expect(mock.requests).toHaveLength(2);

    // The cooled model is passed over on both processes without asking the upstream.
    for (const client of [a, b]) {
      const again = await sdkError(client.chat.completions.create(chat('mm-a')));
      expect(again.code).toBe('upstreams_rate_limited');
      expect(Number(again.headers?.get('retry-after'))).toBeGreaterThan(20);
    }
    expect(mock.requests).toHaveLength(2);
    const row = await keyRow(channel.id, channel.keyIds[0] as string);
    expect(row.cooldownUntil).toBeNull();
    expect(Object.keys(row.modelCooldowns)).toEqual([limited]);
  });

  it('stops trying a revoked key after its first 401, in every process, and marks it invalid (audited)', async () => {
    const revoked = 'sk-mock-revoked;status=401';
    const channel = await createChannel(api, admin, {
      name: 'revoked-pool',
      baseUrl: mock.baseUrl,
      models: ['m-revoked'],
      keys: [
        { key: revoked, priority: 10 },
        { key: 'sk-mock-revoked-good', priority: 0 },
      ],
    });
    const revokedId = channel.keyIds[0] as string;
    const first = await a.chat.completions.create(chat('m-revoked')).withResponse();
    expect(first.response.headers.get('x-fallback-attempts')).toBe('1');
    // At once, before any reload, on the other process too, and under concurrency.
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? a : b).chat.completions.create(chat('m-revoked'))),
    );
    expect(callsTo(revoked)).toBe(1);
    expect(callsTo('sk-mock-revoked-good')).toBe(11);

    await waitFor('the key to be marked invalid', async () => {
      const row = await keyRow(channel.id, revokedId);
      return row.status === 'auto_disabled' && row.health === 'invalid' ? true : undefined;
    });
    const audit = await auditOf(revokedId);
    expect(audit.map((r) => (r.after as { status?: string } | null)?.status)).toContain('auto_disabled');
    for (let i = 0; i < 4; i++) await (i % 2 === 0 ? a : b).chat.completions.create(chat('m-revoked'));
    expect(callsTo(revoked)).toBe(1);

    // An admin who enables it again lifts the refusal: once the other process has reloaded, it is
    // tried again (and, still revoked, refused again).
    await request(api.url)
      .patch(`/api/channels/${channel.id}/keys/${revokedId}`)
      .set(admin$())
      .send({ status: 'enabled' })
      .expect(200);
    await waitFor('the re-enabled key to be tried again', async () => {
      await b.chat.completions.create(chat('m-revoked'));
      return callsTo(revoked) === 2 ? true : undefined;
    });
    await waitFor('the key to be refused again', async () => {
      const row = await keyRow(channel.id, revokedId);
      return row.status === 'auto_disabled' ? true : undefined;
    });
  });

  describe('transient errors on the last candidate', () => {
    it('retries a single key’s 503 after a jittered pause instead of answering 502', async () => {
      await createChannel(api, admin, {
        name: 'single-flaky',
        baseUrl: mock.baseUrl,
        models: ['m-single'],
        keys: ['sk-mock-single;status=503;fail=2'],
      });
      const { response } = await a.chat.completions.create(chat('m-single')).withResponse();
      expect(response.headers.get('x-fallback-attempts')).toBe('2');
      expect(mock.requests.map((r) => r.status)).toEqual([503, 503, 200]);
    });

    it('gives up with 502 once the attempts are spent, and never retries after the first byte', async () => {
      await createChannel(api, admin, {
        name: 'single-dead',
        baseUrl: mock.baseUrl,
        models: ['m-dead'],
        keys: ['sk-mock-dead;status=503'],
      });
      const error = await sdkError(a.chat.completions.create(chat('m-dead')));
      expect(error.status).toBe(502);
      expect(error.headers?.get('x-fallback-attempts')).toBe('5');
      expect(mock.requests).toHaveLength(5);

      mock.reset();
      await createChannel(api, admin, {
        name: 'single-drop',
        baseUrl: mock.baseUrl,
        models: ['m-drop'],
        keys: ['sk-mock-drop;drop=2;tokens=20'],
      });
      const stream = await a.chat.completions.create({ ...chat('m-drop'), stream: true });
      const broken = await (async () => {
        try {
          for await (const chunk of stream) void chunk;
          return null;
        } catch (e) {
          return e;
        }
      })();
      expect(broken).not.toBeNull();
      expect(mock.requests).toHaveLength(1);
    });
  });

  describe('the cooldown-amplification drill (30 concurrent requests, 5 KB prompts)', () => {
    const prompt = 'x'.repeat(5 * 1024);
    const burst = async (model: string) => {
      const outcomes = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          (i % 2 === 0 ? a : b).chat.completions.create(chat(model, prompt)).then(
            () => 'ok',
            (e: InstanceType<typeof OpenAI.APIError>) => `${e.status}`,
          ),
        ),
      );
      const upstreamErrors = mock.requests.filter((r) => r.status !== 200).length;
      return {
        clientErrors: outcomes.filter((o) => o !== 'ok').length,
        upstreamCalls: mock.requests.length,
        upstreamErrors,
      };
    };

    it('one key 503s every second request, one 429s every second without Retry-After, one is healthy: no client error, no runaway cooldown', async () => {
      const flaky503 = 'sk-mock-drill-503;status=503;every=2';
      const flaky429 = 'sk-mock-drill-429;status=429;every=2';
      const channel = await createChannel(api, admin, {
        name: 'drill-pool',
        baseUrl: mock.baseUrl,
        models: ['m-drill'],
        keys: [flaky503, flaky429, 'sk-mock-drill-healthy'],
      });
      const started = Date.now();
      const figures = await burst('m-drill');
      expect(figures.clientErrors).toBe(0);

      const rows = await keyRows(channel.id);
      const byKey = (i: number) => rows.find((r) => r.id === channel.keyIds[i]) as KeyRow;
      // A 503 never cools a key (docs/design.md invariant 4).
      expect(byKey(0).cooldownUntil).toBeNull();
      expect(byKey(0).modelCooldowns).toEqual({});
      // The 429ing key cools for one backoff step (5 s base; at most one more strike after it ends),
      // however many in-flight requests got a 429 together.
      const cooled = byKey(1).modelCooldowns['m-drill'];
      const cooldownMs = cooled === undefined ? 0 : Date.parse(cooled) - Date.parse(byKey(1).last429At ?? '');
      expect(cooldownMs).toBeLessThanOrEqual(10_000);
      expect(Date.parse(cooled ?? new Date(started).toISOString()) - started).toBeLessThan(15_000);

      // Back in rotation once its cooldown is over.
      await new Promise((resolve) =>
        setTimeout(resolve, Math.max(0, Date.parse(cooled ?? '') - Date.now()) + 200),
      );
      mock.reset();
      for (let i = 0; i < 12; i++) await (i % 2 === 0 ? a : b).chat.completions.create(chat('m-drill'));
      expect(callsTo(flaky429)).toBeGreaterThan(0);
      console.log(
        `drill (one 503-flaky, one 429-flaky, one healthy key): ${JSON.stringify({ ...figures, cooldownMs })}`,
      );
    });

    it('with every key flaky, the clients see fewer errors than the upstream makes', async () => {
      await createChannel(api, admin, {
        name: 'drill-all-flaky',
        baseUrl: mock.baseUrl,
        models: ['m-all-flaky'],
        keys: [
          'sk-mock-allflaky-1;status=503;every=2',
          'sk-mock-allflaky-2;status=503;every=2',
          'sk-mock-allflaky-3;status=429;every=2',
        ],
      });
      const figures = await burst('m-all-flaky');
      const upstreamRate = figures.upstreamErrors / figures.upstreamCalls;
      expect(figures.clientErrors / 30).toBeLessThanOrEqual(upstreamRate);
      console.log(`drill (every key flaky): ${JSON.stringify({ ...figures, upstreamRate })}`);
    });
  });
});
