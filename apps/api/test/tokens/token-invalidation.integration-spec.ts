// Two api processes on one database and one Redis prefix: a token changed through one is seen by the
// other's cached lookup within a second (Redis pub/sub), and a cached lookup costs no SQL and no Redis.
import { Role } from '@gateway/identity';
import { REDIS } from '@gateway/redis';
import { waitFor } from '@gateway/testing';
import { TokenAuthService, TokenInvalidationBus } from '@gateway/tokens';
import type Redis from 'ioredis';
import { Client } from 'pg';
import {
  ApiHarness,
  Replica,
  startApi,
  startReplica,
  tokenInvalidationsDelivered,
  tokenInvalidationsHeard,
} from '../api-harness';
import { seedTenant, Session, sessionAs } from '../fixtures';

describe('token cache across api processes', () => {
  let api: ApiHarness;
  let second: Replica;
  let owner: Session;
  let authA: TokenAuthService;
  let authB: TokenAuthService;

  /** A new token, once both processes have heard its creation's invalidation (else it could drop
   * what a test just cached). */
  const issue = async (body: object = {}): Promise<{ id: string; key: string }> => {
    const created = (await owner.post('/api/tokens', { name: 'relay token', ...body }).expect(201)).body as {
      id: string;
      key: string;
    };
    await tokenInvalidationsDelivered(api.app, second.app);
    return created;
  };

  /** Resolves on both processes, twice, proving each now answers from its cache. */
  const warm = async (key: string) => {
    for (const auth of [authA, authB]) {
      const first = await auth.resolve(key);
      expect(first?.status).toBe('active');
      // Object.is, not toBe: Jest's diff of two snapshots throws on their frozen Set.
      expect(Object.is(await auth.resolve(key), first)).toBe(true);
    }
  };

  /** ms from `started` until process B's cached lookup satisfies `seen`. */
  const msUntilB = async (
    key: string,
    started: number,
    seen: (s: Awaited<ReturnType<TokenAuthService['resolve']>>) => boolean,
  ) => {
    await waitFor(
      'process B to see the change',
      async () => (seen(await authB.resolve(key)) ? true : undefined),
      2_000,
      5,
    );
    return Date.now() - started;
  };

  beforeAll(async () => {
    api = await startApi('token-invalidation');
    second = await startReplica(api);
    const tenant = await seedTenant(api);
    owner = await sessionAs(api, Role.Owner, tenant.id);
    authA = api.app.get(TokenAuthService);
    authB = second.app.get(TokenAuthService);
    expect(authB).not.toBe(authA);
    await tokenInvalidationsHeard(api.app, second.app);
  });
  afterAll(async () => {
    await second.close();
    await api.close();
  });

  it('every process subscribes to <REDIS_PREFIX>:tokens:invalidate', async () => {
    const channel = api.app.get(TokenInvalidationBus).channel;
    expect(channel).toBe(`${api.config.REDIS_PREFIX}:tokens:invalidate`);
    const redis = api.app.get<Redis>(REDIS);
    const [, subscribers] = (await redis.pubsub('NUMSUB', channel)) as [string, number];
    expect(subscribers).toBe(2);
  });

  it('a token disabled through process A is refused by process B within a second', async () => {
    const { id, key } = await issue();
    await warm(key);
    const started = Date.now();
    await owner.patch(`/api/tokens/${id}`, { status: 'disabled' }).expect(200);
    const elapsed = await msUntilB(key, started, (s) => s?.status === 'disabled');
    expect(elapsed).toBeLessThan(1_000);
    expect(authB.check(await authB.resolve(key), { ip: '127.0.0.1' })).toBe('disabled');
    // The process that made the change forgets at once, before answering.
    expect((await authA.resolve(key))?.status).toBe('disabled');
  });

  it('a token deleted through process A is unknown to process B within a second', async () => {
    const { id, key } = await issue();
    await warm(key);
    const started = Date.now();
    await owner.delete(`/api/tokens/${id}`).expect(204);
    const elapsed = await msUntilB(key, started, (s) => s === undefined);
    expect(elapsed).toBeLessThan(1_000);
    expect(authB.check(await authB.resolve(key), { ip: '127.0.0.1' })).toBe('invalid_api_key');
    expect(await authA.resolve(key)).toBeUndefined();
  });

  it('other changes (allowlist, models, limits) reach process B too', async () => {
    const { id, key } = await issue({ models: ['gpt-4o'] });
    await warm(key);
    const started = Date.now();
    await owner
      .patch(`/api/tokens/${id}`, { ipAllowlist: ['10.0.0.0/8'], models: ['o3'], rpm: 9 })
      .expect(200);
    const elapsed = await msUntilB(key, started, (s) => s?.rpm === 9);
    expect(elapsed).toBeLessThan(1_000);
    const snapshot = await authB.resolve(key);
    expect(authB.check(snapshot, { ip: '::ffff:10.1.2.3', model: 'o3' })).toBe('ok');
    expect(authB.check(snapshot, { ip: '192.168.0.1', model: 'o3' })).toBe('ip_not_allowed');
    expect(authB.check(snapshot, { ip: '10.1.2.3', model: 'gpt-4o' })).toBe('model_not_allowed');
  });

  it('a cached lookup of an unchanged token issues no SQL query and no Redis command', async () => {
    const { key } = await issue();
    const redisB = second.app.get<Redis>(REDIS);
    const sql = jest.spyOn(Client.prototype, 'query');
    const redisCommands = jest.spyOn(redisB, 'sendCommand');
    try {
      // The spies do see what a lookup costs when it is not cached: one SQL query, no Redis.
      expect((await authB.resolve(key))?.status).toBe('active');
      expect(sql.mock.calls.length).toBeGreaterThanOrEqual(1);
      sql.mockClear();
      redisCommands.mockClear();

      for (let i = 0; i < 100; i++) expect((await authB.resolve(key))?.status).toBe('active');
      expect(sql).not.toHaveBeenCalled();
      expect(redisCommands).not.toHaveBeenCalled();
    } finally {
      sql.mockRestore();
      redisCommands.mockRestore();
    }
  });

  it('an unknown key is remembered for a moment: the second lookup costs no SQL either', async () => {
    const unknown = `sk-${'x'.repeat(48)}`;
    const sql = jest.spyOn(Client.prototype, 'query');
    try {
      expect(await authB.resolve(unknown)).toBeUndefined();
      expect(sql.mock.calls.length).toBeGreaterThanOrEqual(1);
      sql.mockClear();
      expect(await authB.resolve(unknown)).toBeUndefined();
      expect(sql).not.toHaveBeenCalled();
    } finally {
      sql.mockRestore();
    }
  });

  it('a process closes its subscriber connection when it shuts down', async () => {
    const third = await startReplica(api);
    const channel = api.app.get(TokenInvalidationBus).channel;
    const redis = api.app.get<Redis>(REDIS);
    const count = async () => ((await redis.pubsub('NUMSUB', channel)) as [string, number])[1];
    // Redis counts the subscriber once it has taken SUBSCRIBE, a moment before the process has read
    // the confirmation: wait for both.
    await waitFor(
      'the third process to subscribe',
      async () => ((await count()) === 3 && third.app.get(TokenInvalidationBus).listening ? true : undefined),
      2_000,
    );
    await third.close();
    expect(third.app.get(TokenInvalidationBus).listening).toBe(false);
    await waitFor('the subscriber to go', async () => ((await count()) === 2 ? true : undefined), 2_000);
  });
});
