// Failover, cooldowns, broken streams and refusals, through the official OpenAI SDK against the
// mock upstream. Each test routes its own model to its own channels, so tests do not share keys.
import type { MockUpstream } from '@gateway/mock-upstream';
import { REDIS } from '@gateway/redis';
import { waitFor } from '@gateway/testing';
import type Redis from 'ioredis';
import OpenAI from 'openai';
import request from 'supertest';
import type { ApiHarness } from '../api-harness';
import {
  createChannel,
  sdk,
  seedTenantWithToken,
  sdkError,
  type Relay,
  startRelay,
  usageRecord,
} from './relay-fixture';

const GOOD = 'sk-mock-good-key-0001';

describe('relay failover (openai SDK → gateway → mock upstream)', () => {
  let relay: Relay;
  let api: ApiHarness;
  let mock: MockUpstream;
  let admin: string;
  let client: OpenAI;
  let key: string;

  beforeAll(async () => {
    relay = await startRelay('relay_failover', { ingestor: true });
    ({ api, mock, admin } = relay);
    ({ key } = await seedTenantWithToken(api, admin));
    client = sdk(api, key);
  });
  afterAll(() => relay?.close());

  beforeEach(() => mock.reset());

  const chat = (model: string) => ({ model, messages: [{ role: 'user' as const, content: 'hello' }] });
  const upstreamKeys = () => mock.requests.map((r) => r.apiKey);

  async function keyViews(channelId: string) {
    const res = await request(api.url)
      .get(`/api/channels/${channelId}/keys`)
      .set('authorization', `Bearer ${admin}`)
      .expect(200);
    return (
      res.body as {
        items: {
          id: string;
          cooldownUntil: string | null;
          modelCooldowns: Record<string, string>;
          last429At: string | null;
          totalRequests: number;
        }[];
      }
    ).items;
  }

  it('fails over from a rate-limited key to a good one, cools the first, then skips it', async () => {
    const channel = await createChannel(api, admin, {
      name: 'c429',
      baseUrl: mock.baseUrl,
      models: ['m-429'],
      keys: [
        { key: 'sk-mock;status=429;retryAfter=30', priority: 10 },
        { key: GOOD, priority: 0 },
      ],
    });
    const { response } = await client.chat.completions.create(chat('m-429')).withResponse();
    expect(response.headers.get('x-fallback-attempts')).toBe('1');
    expect(response.headers.get('x-routed-via')).toBe('c429/m-429');
    expect(upstreamKeys()).toEqual(['sk-mock;status=429;retryAfter=30', GOOD]);
    // The failover's calls (the 429's cooldown and key settlement, the next key's acquisition) were
    // keyed by (request id, attempt): one ioredis re-sends after a reconnect counts nothing again.
    const once = (step: string) =>
      `${api.config.REDIS_PREFIX}:once:${response.headers.get('x-request-id')}:${step}`;
    expect(await api.app.get<Redis>(REDIS).exists(once('cool:1'), once('settle:1'), once('acquire:1'))).toBe(
      3,
    );

    const views = await keyViews(channel.id);
    const cooled = views.find((v) => v.id === channel.keyIds[0]);
    // The 429 was about the model on that key: the model cools there, not the key's other models.
    expect(cooled?.cooldownUntil).toBeNull();
    const cooldown = Date.parse(cooled?.modelCooldowns['m-429'] ?? '');
    expect(cooldown - Date.now()).toBeGreaterThan(25_000);
    expect(cooldown - Date.now()).toBeLessThanOrEqual(30_000);
    expect(cooled?.last429At).not.toBeNull();

    mock.reset();
    const second = await client.chat.completions.create(chat('m-429')).withResponse();
    expect(second.response.headers.get('x-fallback-attempts')).toBeNull();
    expect(upstreamKeys()).toEqual([GOOD]);

    const record = await usageRecord(api, admin, response.headers.get('x-request-id') as string);
    expect(record.fallbacks).toEqual([
      expect.objectContaining({ channelName: 'c429', status: 429, code: 'rate_limited' }),
    ]);
  });

  it('answers 429 upstreams_rate_limited with Retry-After when every key is cooling, without calling upstream again', async () => {
    await createChannel(api, admin, {
      name: 'ccool',
      baseUrl: mock.baseUrl,
      models: ['m-cool'],
      keys: ['sk-mock;status=429;retryAfter=20'],
    });
    const first = await sdkError(client.chat.completions.create(chat('m-cool')));
    expect(first.status).toBe(429);
    expect(first.code).toBe('upstreams_rate_limited');
    expect(Number(first.headers?.get('retry-after'))).toBeGreaterThanOrEqual(19);
    expect(mock.requests).toHaveLength(1);

    const second = await sdkError(client.chat.completions.create(chat('m-cool')));
    expect(second.code).toBe('upstreams_rate_limited');
    const retryAfter = Number(second.headers?.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(20);
    expect(mock.requests).toHaveLength(1);
  });

  it('treats an upstream 401 as a bad key: fails over, and never shows the key', async () => {
    const bad = 'sk-mock;status=401';
    await createChannel(api, admin, {
      name: 'c401',
      baseUrl: mock.baseUrl,
      models: ['m-401'],
      keys: [
        { key: bad, priority: 10 },
        { key: GOOD, priority: 0 },
      ],
    });
    const { response } = await client.chat.completions.create(chat('m-401')).withResponse();
    expect(response.headers.get('x-fallback-attempts')).toBe('1');

    await createChannel(api, admin, {
      name: 'c401only',
      baseUrl: mock.baseUrl,
      models: ['m-401-only'],
      keys: [bad],
    });
    const error = await sdkError(client.chat.completions.create(chat('m-401-only')));
    expect(error.status).toBe(502);
    expect(error.code).toBe('upstream_error');
    expect(error.message).toContain('c401only');
    expect(error.message).not.toContain(bad);
  });

  it('serves at once with a key whose secret an admin replaced, whatever the old secret’s cooldown', async () => {
    const channel = await createChannel(api, admin, {
      name: 'c-replaced',
      baseUrl: mock.baseUrl,
      models: ['m-replaced'],
      keys: ['sk-mock;status=402'],
    });
    // The account behind the key is out of credit: the key cools for an hour.
    const broke = await sdkError(client.chat.completions.create(chat('m-replaced')));
    expect(broke.status).toBe(502);
    expect((await keyViews(channel.id))[0]?.cooldownUntil).not.toBeNull();

    // The operator puts another account's key in its place.
    await request(api.url)
      .patch(`/api/channels/${channel.id}/keys/${channel.keyIds[0]}`)
      .set('authorization', `Bearer ${admin}`)
      .send({ key: GOOD })
      .expect(200);
    expect((await keyViews(channel.id))[0]).toMatchObject({ cooldownUntil: null, modelCooldowns: {} });
    mock.reset();
    const served = await client.chat.completions.create(chat('m-replaced'));
    expect(served.choices[0]?.message.content).toBeTruthy();
    expect(upstreamKeys()).toEqual([GOOD]);
  });

  it('moves to the next channel after a 500, and records the failed attempt', async () => {
    await createChannel(api, admin, {
      name: 'c500',
      baseUrl: mock.baseUrl,
      models: ['m-500'],
      priority: 10,
      keys: ['sk-mock;status=500'],
    });
    await createChannel(api, admin, {
      name: 'c500-backup',
      baseUrl: mock.baseUrl,
      models: ['m-500'],
      keys: [GOOD],
    });
    const { response } = await client.chat.completions.create(chat('m-500')).withResponse();
    expect(response.headers.get('x-routed-via')).toBe('c500-backup/m-500');
    expect(response.headers.get('x-fallback-attempts')).toBe('1');
    const record = await usageRecord(api, admin, response.headers.get('x-request-id') as string);
    expect(record.status).toBe(200);
    expect(record.fallbacks).toEqual([
      expect.objectContaining({ channelName: 'c500', status: 500, code: 'server_error' }),
    ]);
  });

  it('gives up after RELAY_MAX_ATTEMPTS (5) failed attempts, naming the channel, never a key', async () => {
    const keys = Array.from({ length: 8 }, (_, i) => `sk-mock;status=503;latency=${i}`);
    await createChannel(api, admin, { name: 'c503', baseUrl: mock.baseUrl, models: ['m-503'], keys });
    const error = await sdkError(client.chat.completions.create(chat('m-503')));
    expect(error.status).toBe(502);
    expect(error.code).toBe('upstream_error');
    expect(error.headers?.get('x-fallback-attempts')).toBe('5');
    expect(mock.requests).toHaveLength(5);
    expect(error.message).toContain('c503');
    for (const key of keys) expect(error.message).not.toContain(key);
  });

  it('returns an upstream 400 as it is, without trying another key', async () => {
    await createChannel(api, admin, {
      name: 'c400',
      baseUrl: mock.baseUrl,
      models: ['m-400'],
      keys: [
        { key: 'sk-mock;status=400', priority: 10 },
        { key: GOOD, priority: 0 },
      ],
    });
    const error = await sdkError(client.chat.completions.create(chat('m-400')));
    expect(error.status).toBe(400);
    expect(mock.requests).toHaveLength(1);
  });

  it('fails over when the first upstream does not answer in time, and says 504 when none does', async () => {
    await createChannel(api, admin, {
      name: 'chang',
      baseUrl: mock.baseUrl,
      models: ['m-hang'],
      timeoutMs: 1000,
      keys: [
        { key: 'sk-mock;hang=1', priority: 10 },
        { key: GOOD, priority: 0 },
      ],
    });
    const { response } = await client.chat.completions.create(chat('m-hang')).withResponse();
    expect(response.headers.get('x-fallback-attempts')).toBe('1');

    await createChannel(api, admin, {
      name: 'chang-only',
      baseUrl: mock.baseUrl,
      models: ['m-hang-only'],
      timeoutMs: 1000,
      keys: ['sk-mock;hang=1'],
    });
    const error = await sdkError(client.chat.completions.create(chat('m-hang-only')));
    expect(error.status).toBe(504);
    expect(error.code).toBe('upstream_timeout');
    // The gateway hung up on the upstream it gave up on.
    await waitFor(
      'the upstream to be hung up on',
      async () => (mock.requests.every((r) => r.endedAt !== undefined) ? true : undefined),
      5000,
    );
  });

  it('ends a stream the upstream drops with an error, never a clean end, and bills what was generated', async () => {
    await createChannel(api, admin, {
      name: 'cdrop',
      baseUrl: mock.baseUrl,
      models: ['m-drop'],
      keys: ['sk-mock;drop=3;tokens=20'],
    });
    const { data: stream, response } = await client.chat.completions
      .create({ ...chat('m-drop'), stream: true })
      .withResponse();
    let chunks = 0;
    const error = await (async () => {
      for await (const chunk of stream) if (chunk.choices.length > 0) chunks++;
    })().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(chunks).toBeGreaterThan(0);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    const record = await usageRecord(api, admin, response.headers.get('x-request-id') as string);
    expect(record).toMatchObject({ status: 502, errorCode: 'upstream_error', usageSource: 'counted' });
    expect(record.completionTokens).toBeGreaterThan(0);
  });

  it('aborts the upstream when the client goes away, and bills the tokens sent so far', async () => {
    await createChannel(api, admin, {
      name: 'cabort',
      baseUrl: mock.baseUrl,
      models: ['m-abort'],
      keys: ['sk-mock;chunkDelay=100;tokens=100'],
    });
    const controller = new AbortController();
    const { data: stream, response } = await client.chat.completions
      .create({ ...chat('m-abort'), stream: true }, { signal: controller.signal })
      .withResponse();
    let chunks = 0;
    await (async () => {
      for await (const chunk of stream) {
        if (chunk.choices.length > 0) chunks++;
        if (chunks === 3) controller.abort();
      }
    })().catch(() => undefined);
    await waitFor(
      'the upstream to see the abort',
      async () => (mock.requests[0]?.aborted ? true : undefined),
      5000,
    );
    expect(mock.requests[0]?.chunksSent).toBeLessThan(50);
    const record = await usageRecord(api, admin, response.headers.get('x-request-id') as string);
    expect(record).toMatchObject({ status: 499, errorCode: 'client_closed_request', usageSource: 'counted' });
    expect(record.completionTokens).toBeGreaterThanOrEqual(2);
  });

  it('breaks off an upstream call still waiting for its answer when the client goes away', async () => {
    await createChannel(api, admin, {
      name: 'cwaiting',
      baseUrl: mock.baseUrl,
      models: ['m-waiting'],
      keys: ['sk-mock;latency=20000'],
    });
    const controller = new AbortController();
    const asked = client.chat.completions.create(
      { ...chat('m-waiting'), stream: true },
      { signal: controller.signal },
    );
    await waitFor('the upstream call', async () => (mock.requests.length > 0 ? true : undefined), 5000);
    const abortedAt = Date.now();
    controller.abort();
    await expect(asked).rejects.toThrow();
    // Told at once (the exchange listens on the client's going), not at the channel's timeout.
    await waitFor(
      'the upstream to see the abort',
      async () => (mock.requests[0]?.aborted ? true : undefined),
      3000,
    );
    expect(Date.now() - abortedAt).toBeLessThan(3000);
    expect(mock.requests).toHaveLength(1);
  });

  it('cuts a stream that stalls longer than the channel timeout, with an upstream_timeout error event', async () => {
    await createChannel(api, admin, {
      name: 'cstall',
      baseUrl: mock.baseUrl,
      models: ['m-stall'],
      timeoutMs: 1000,
      keys: ['sk-mock;chunkDelay=5000;tokens=4'],
    });
    const started = Date.now();
    const stream = await client.chat.completions.create({ ...chat('m-stall'), stream: true });
    const error = await (async () => {
      for await (const chunk of stream) void chunk;
    })().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).message).toContain('sent nothing');
    expect(Date.now() - started).toBeLessThan(4000);
    await waitFor(
      'the upstream to see the abort',
      async () => (mock.requests[0]?.aborted ? true : undefined),
      5000,
    );
  });

  it('keeps a conversation on one key with x-session-id', async () => {
    await createChannel(api, admin, {
      name: 'csticky',
      baseUrl: mock.baseUrl,
      models: ['m-sticky'],
      keys: ['sk-mock-sticky-a', 'sk-mock-sticky-b'],
    });
    for (let i = 0; i < 8; i++) {
      await client.chat.completions.create(chat('m-sticky'), {
        headers: { 'x-session-id': 'conversation-1' },
      });
    }
    expect(new Set(upstreamKeys()).size).toBe(1);
    // Without the header, different conversations are spread over the keys…
    mock.reset();
    for (let i = 0; i < 24; i++) {
      await client.chat.completions.create({
        model: 'm-sticky',
        messages: [{ role: 'user', content: `conversation ${i}` }],
      });
    }
    expect(new Set(upstreamKeys()).size).toBe(2);
    // …and one conversation, recognised by its leading messages, stays on one key turn after turn.
    mock.reset();
    const turns: OpenAI.ChatCompletionMessageParam[] = [
      { role: 'system', content: 'be brief' },
      { role: 'user', content: 'a conversation without a session header' },
    ];
    for (let i = 0; i < 8; i++) {
      await client.chat.completions.create({ model: 'm-sticky', messages: turns });
      turns.push({ role: 'assistant', content: `answer ${i}` }, { role: 'user', content: `turn ${i + 2}` });
    }
    expect(new Set(upstreamKeys()).size).toBe(1);
  });

  describe('refusals the client can fix, in OpenAI error shape', () => {
    it('401 invalid_api_key for a missing or unknown key', async () => {
      const error = await sdkError(sdk(api, 'sk-' + 'x'.repeat(48)).chat.completions.create(chat('m-any')));
      expect(error.status).toBe(401);
      expect(error.code).toBe('invalid_api_key');
      expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    });

    it('400 naming the field for a malformed body, recorded against the token', async () => {
      const error = await sdkError(
        client.chat.completions.create({
          model: 'm-any',
          messages: [{ role: 'robot', content: 'x' }],
        } as never),
      );
      expect(error.status).toBe(400);
      expect(error.param).toBe('messages[0].role');
    });

    it('404 model_not_found for a model no channel serves', async () => {
      const error = await sdkError(client.chat.completions.create(chat('no-such-model')));
      expect(error.status).toBe(404);
      expect(error.code).toBe('model_not_found');
    });

    it('403 model_not_allowed for a model outside the token list', async () => {
      const limited = await seedTenantWithToken(api, admin, { models: ['m-500'] });
      const error = await sdkError(sdk(api, limited.key).chat.completions.create(chat('m-429')));
      expect(error.status).toBe(403);
      expect(error.code).toBe('model_not_allowed');
    });

    it('403 ip_not_allowed from an address outside the token allowlist', async () => {
      const fenced = await seedTenantWithToken(api, admin, { ipAllowlist: ['10.0.0.0/8'] });
      const error = await sdkError(sdk(api, fenced.key).chat.completions.create(chat('m-500')));
      expect(error.status).toBe(403);
      expect(error.code).toBe('ip_not_allowed');
    });

    it("401 once the token's tenant is disabled", async () => {
      const tenantToken = await seedTenantWithToken(api, admin);
      const tenantClient = sdk(api, tenantToken.key);
      await tenantClient.models.list();
      await request(api.url)
        .patch(`/api/tenants/${tenantToken.tenantId}`)
        .set('authorization', `Bearer ${admin}`)
        .send({ status: 'disabled' })
        .expect(200);
      await waitFor(
        'the disabled tenant to be refused',
        async () => {
          const error = await tenantClient.models.list().then(
            () => undefined,
            (e: unknown) => e,
          );
          return error instanceof OpenAI.AuthenticationError ? true : undefined;
        },
        2000,
        20,
      );
    });

    it('429 rate_limit_exceeded with Retry-After once the token rpm is used up', async () => {
      await createChannel(api, admin, {
        name: 'crpm',
        baseUrl: mock.baseUrl,
        models: ['m-rpm'],
        keys: [GOOD],
      });
      const limited = await seedTenantWithToken(api, admin, { rpm: 2 });
      const limitedClient = sdk(api, limited.key);
      await limitedClient.chat.completions.create(chat('m-rpm'));
      await limitedClient.chat.completions.create(chat('m-rpm'));
      const error = await sdkError(limitedClient.chat.completions.create(chat('m-rpm')));
      expect(error.status).toBe(429);
      expect(error.code).toBe('rate_limit_exceeded');
      expect(Number(error.headers?.get('retry-after'))).toBeGreaterThan(0);
      expect(mock.requests).toHaveLength(2);
    });
  });
});
