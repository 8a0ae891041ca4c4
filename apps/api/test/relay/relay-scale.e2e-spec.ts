// The relay across processes and at steady state: limits hold across two API processes, a channel
// change made through one is obeyed by the other, and a warm relay sends no SQL at all.
import type { MockUpstream } from '@gateway/mock-upstream';
import { waitFor } from '@gateway/testing';
import OpenAI from 'openai';
import { Client } from 'pg';
import request from 'supertest';
import type { ApiHarness } from '../api-harness';
import {
  createChannel,
  fund,
  sdk,
  seedTenantWithToken,
  startRelay,
  startRelayPair,
  type Relay,
  type RelayPair,
} from './relay-fixture';

/** Fixed one-minute windows: a burst must not straddle a minute boundary, or it would see two windows. */
async function awayFromMinuteEdge(): Promise<void> {
  const intoMinute = Date.now() % 60_000;
  if (intoMinute > 50_000) await new Promise((resolve) => setTimeout(resolve, 60_500 - intoMinute));
}

function outcome(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'ok',
    (error: unknown) => (error instanceof OpenAI.APIError ? String(error.code) : String(error)),
  );
}

describe('relay across processes', () => {
  let relay: RelayPair;
  let api: ApiHarness;
  let mock: MockUpstream;
  let admin: string;

  beforeAll(async () => {
    relay = await startRelayPair('relay_scale');
    ({ api, mock, admin } = relay);
  });
  afterAll(() => relay?.close());

  beforeEach(() => mock.reset());

  const chat = (model: string) => ({ model, messages: [{ role: 'user' as const, content: 'hi' }] });

  it('enforces a token rpm across two API processes', async () => {
    await createChannel(api, admin, {
      name: 'shared-token',
      baseUrl: mock.baseUrl,
      models: ['m-token-rpm'],
      keys: ['sk-mock-a1'],
    });
    const { key } = await seedTenantWithToken(api, admin, { rpm: 5 });
    const [a, b] = relay.clients(key);
    await awayFromMinuteEdge();
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        outcome((i % 2 ? a : b).chat.completions.create(chat('m-token-rpm'))),
      ),
    );
    expect(results.filter((r) => r === 'ok')).toHaveLength(5);
    expect(results.filter((r) => r === 'rate_limit_exceeded')).toHaveLength(5);
    expect(mock.requests).toHaveLength(5);
  });

  it('enforces a key rpm across two API processes, answering upstreams_rate_limited beyond it', async () => {
    await createChannel(api, admin, {
      name: 'shared-key',
      baseUrl: mock.baseUrl,
      models: ['m-key-rpm'],
      keys: [{ key: 'sk-mock-capped', rpm: 3 }],
    });
    const { key } = await seedTenantWithToken(api, admin);
    const [a, b] = relay.clients(key);
    await awayFromMinuteEdge();
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        outcome((i % 2 ? a : b).chat.completions.create(chat('m-key-rpm'))),
      ),
    );
    expect(results.filter((r) => r === 'ok')).toHaveLength(3);
    expect(results.filter((r) => r === 'upstreams_rate_limited')).toHaveLength(5);
    expect(mock.requests).toHaveLength(3);
  });

  it('a channel disabled through one process stops being used by the other within a second', async () => {
    const channel = await createChannel(api, admin, {
      name: 'to-disable',
      baseUrl: mock.baseUrl,
      models: ['m-disable'],
      keys: ['sk-mock-d1'],
    });
    const { key } = await seedTenantWithToken(api, admin);
    const [, b] = relay.clients(key);
    await b.chat.completions.create(chat('m-disable'));
    await request(api.url)
      .patch(`/api/channels/${channel.id}`)
      .set('authorization', `Bearer ${admin}`)
      .send({ status: 'disabled' })
      .expect(200);
    await waitFor(
      'process B to stop routing to the disabled channel',
      async () => {
        const result = await outcome(b.chat.completions.create(chat('m-disable')));
        return result === 'model_not_found' ? true : undefined;
      },
      1000,
      20,
    );
  });
});

describe('relay at steady state', () => {
  let relay: Relay;
  let api: ApiHarness;
  let mock: MockUpstream;
  let admin: string;

  beforeAll(async () => {
    // The usage outbox's lookup (one per round of USAGE_OUTBOX_CONFIRM_MS, not per request) is kept
    // out of the counted burst, however slowly a loaded machine runs it.
    relay = await startRelay('relay_zero_sql', { env: { USAGE_OUTBOX_CONFIRM_MS: '600000' } });
    ({ api, mock, admin } = relay);
  });
  afterAll(() => relay?.close());

  it('sends no SQL at all while relaying a burst once warm (docs/design.md invariant 1)', async () => {
    await createChannel(api, admin, {
      name: 'warm',
      baseUrl: mock.baseUrl,
      models: ['m-warm'],
      keys: ['sk-mock-w1', 'sk-mock-w2'],
    });
    await request(api.url)
      .put('/api/models/m-warm/price')
      .set('authorization', `Bearer ${admin}`)
      .send({ inputPer1M: '1', outputPer1M: '2' })
      .expect(200);
    const { key, tenantId } = await seedTenantWithToken(api, admin);
    await fund(api, tenantId, '5');
    const client = sdk(api, key);
    const chat = { model: 'm-warm', messages: [{ role: 'user' as const, content: 'hi' }] };
    // Warm-up: token, tenant, routing table and prices get loaded once.
    await client.chat.completions.create(chat);
    await client.models.list();

    const query = Client.prototype.query;
    let queries = 0;
    Client.prototype.query = function counted(this: Client, ...args: unknown[]) {
      queries++;
      return (query as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof query;
    try {
      const burst = Array.from({ length: 60 }, (_, i) =>
        i % 3 === 0
          ? client.chat.completions.create({ ...chat, stream: true }).then(async (stream) => {
              for await (const chunk of stream) void chunk;
            })
          : client.chat.completions.create(chat),
      );
      await Promise.all(burst);
      expect(mock.requests.length).toBe(61);
      expect(queries).toBe(0);
      // The probe itself works: an admin read does reach Postgres.
      await request(api.url).get('/api/channels').set('authorization', `Bearer ${admin}`).expect(200);
      expect(queries).toBeGreaterThan(0);
    } finally {
      Client.prototype.query = query;
    }
  });
});
