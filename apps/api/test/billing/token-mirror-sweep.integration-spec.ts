// The sweep of token spend mirrors (TokenMirrorSweep.run, the worker's hourly job) on the real
// PostgreSQL and Redis, with tokens made, changed and deleted through /api: the mirrors of a deleted
// token, of a token whose quota was removed and of an epoch left behind go; a token's live mirror
// stays as it was, one still held stays until its hold is settled, and keys not of this shape stay.
import { BalanceMirror, type PlacedHold, TokenMirrorSweep } from '@gateway/billing';
import { Role, Tenant } from '@gateway/identity';
import { REDIS } from '@gateway/redis';
import type Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { ApiHarness, startApi } from '../api-harness';
import { seedTenant, Session, sessionAs } from '../fixtures';

describe('the token mirror sweep (PostgreSQL and Redis)', () => {
  let api: ApiHarness;
  let tenant: Tenant;
  let owner: Session;
  let redis: Redis;
  let db: DataSource;
  let mirror: BalanceMirror;
  let sweep: TokenMirrorSweep;
  let requests = 0;

  beforeAll(async () => {
    api = await startApi('token-mirror-sweep');
    tenant = await seedTenant(api);
    owner = await sessionAs(api, Role.Owner, tenant.id);
    const root = await sessionAs(api, Role.SuperAdmin, null);
    await root.post(`/api/tenants/${tenant.id}/topups`, { amountUsd: '10' }).expect(201);
    redis = api.app.get(REDIS);
    db = api.app.get(DataSource);
    mirror = api.app.get(BalanceMirror);
    sweep = new TokenMirrorSweep(redis, api.config, db);
  });
  afterAll(async () => {
    await api.close();
  });

  const tq = (tokenId: string, epoch: number) => `${api.config.REDIS_PREFIX}:tq:${tokenId}:${epoch}`;
  const epochOf = async (tokenId: string): Promise<number> =>
    (
      (await db.query('SELECT quota_epoch FROM tokens WHERE id = $1', [tokenId])) as { quota_epoch: number }[]
    )[0]!.quota_epoch;
  const newToken = async (quotaUsd: string | null): Promise<string> =>
    (await owner.post('/api/tokens', { name: 'sweep', quotaUsd }).expect(201)).body.id as string;
  const setQuota = (tokenId: string, quotaUsd: string | null) =>
    owner.patch(`/api/tokens/${tokenId}`, { quotaUsd }).expect(200);
  /** A request's hold on the token's current mirror, as the relay's admission places it. */
  const hold = async (
    tokenId: string,
  ): Promise<{ requestId: string; hold: PlacedHold | null; epoch: number }> => {
    const requestId = `sweep-${++requests}`;
    const epoch = await epochOf(tokenId);
    const placed = await mirror.hold({
      requestId,
      tenantId: tenant.id,
      tokenId,
      amountNano: 1000n,
      tokenQuotaNano: 5_000_000_000n,
      tokenQuotaEpoch: epoch,
      plan: null,
      inputTokens: 1,
      outputTokens: 1,
    });
    expect(placed.verdict).toBe('held');
    return { requestId, hold: placed.hold, epoch };
  };
  const settle = (tokenId: string, held: { requestId: string; hold: PlacedHold | null; epoch: number }) =>
    mirror.settle({
      tenantId: tenant.id,
      tokenId,
      tokenQuotaNano: 5_000_000_000n,
      tokenQuotaEpoch: held.epoch,
      requestId: held.requestId,
      hold: held.hold,
      costNano: 400n,
      plan: null,
      counted: true,
      inputTokens: 1,
      outputTokens: 1,
    });
  /** A request served on the token: its mirror is made (loaded from PostgreSQL) and counts its cost. */
  const serve = async (tokenId: string): Promise<void> => {
    await settle(tokenId, await hold(tokenId));
  };

  it('deletes the mirrors no admission names any more and keeps the live ones as they are', async () => {
    const live = await newToken('5');
    await serve(live);
    const deleted = await newToken('5');
    await serve(deleted);
    const deletedEpoch = await epochOf(deleted);
    await owner.delete(`/api/tokens/${deleted}`).expect(204);
    const unquoted = await newToken('5');
    await serve(unquoted);
    await setQuota(unquoted, null);
    const unquotedEpoch = await epochOf(unquoted);
    // A quota removed and set again: the mirror of the epoch before is left behind, the new one lives.
    const requoted = await newToken('5');
    await serve(requoted);
    const before = await epochOf(requoted);
    await setQuota(requoted, null);
    await setQuota(requoted, '5');
    const after = await epochOf(requoted);
    expect(after).toBeGreaterThan(before);
    await serve(requoted);

    const liveMirror = await redis.hgetall(tq(live, await epochOf(live)));
    expect(liveMirror).toEqual({ used: '400', held: '0' });
    const leftBehind = [tq(deleted, deletedEpoch), tq(unquoted, unquotedEpoch), tq(requoted, before)];
    for (const key of leftBehind) expect(await redis.exists(key)).toBe(1);

    const report = await sweep.run();
    expect(report).toMatchObject({ deleted: 3, held: 0 });
    expect(report.scanned).toBeGreaterThanOrEqual(5);
    for (const key of leftBehind) expect(await redis.exists(key)).toBe(0);
    expect(await redis.hgetall(tq(live, await epochOf(live)))).toEqual(liveMirror);
    // The new epoch's mirror: PostgreSQL's count when it was made (no worker stores usage here) and
    // the request served since.
    expect(await redis.hgetall(tq(requoted, after))).toEqual({ used: '400', held: '0' });
    // Nothing left to do: a second run deletes nothing.
    expect(await sweep.run()).toMatchObject({ deleted: 0, held: 0 });
  });

  it('keeps a mirror left behind while a hold is on it, and deletes it once the hold is settled', async () => {
    const token = await newToken('5');
    const inFlight = await hold(token);
    await owner.delete(`/api/tokens/${token}`).expect(204);

    expect(await sweep.run()).toMatchObject({ deleted: 0, held: 1 });
    expect(await redis.hgetall(tq(token, inFlight.epoch))).toEqual({ used: '0', held: '1000' });

    // The request ends after its token was deleted: its settlement finds its mirror and hold intact.
    await settle(token, inFlight);
    expect(await redis.hgetall(tq(token, inFlight.epoch))).toEqual({ used: '400', held: '0' });
    expect(await sweep.run()).toMatchObject({ deleted: 1, held: 0 });
    expect(await redis.exists(tq(token, inFlight.epoch))).toBe(0);
  });

  it('leaves alone what is not a token mirror of this prefix, and a token mirror a new admission makes again', async () => {
    const prefix = api.config.REDIS_PREFIX;
    const foreign = [
      `${prefix}:tq:not-a-token:0`,
      `${prefix}:tq:00000000-0000-4000-8000-000000000000:x`,
      `${prefix}:tq:not-a-token`,
      `${prefix}:bal`,
      `${prefix}:balx:${tenant.id}`,
      `${prefix}x:bal:${tenant.id}`,
      `${prefix}:tqx:00000000-0000-4000-8000-000000000000:0`,
      `${prefix}x:tq:00000000-0000-4000-8000-000000000000:0`,
    ];
    for (const key of foreign) await redis.hset(key, 'held', '0');
    // A token's mirror of its current epoch, deleted by hand (as Redis may lose it): made again.
    const token = await newToken('5');
    await serve(token);
    await redis.del(tq(token, await epochOf(token)));
    await serve(token);
    const remade = await redis.hgetall(tq(token, await epochOf(token)));

    expect(await sweep.run()).toMatchObject({ deleted: 0, legacy: 0, held: 0 });
    for (const key of foreign) expect(await redis.exists(key)).toBe(1);
    expect(await redis.hgetall(tq(token, await epochOf(token)))).toEqual(remade);
    await redis.del(...foreign);
  });

  it('deletes the mirrors of the layout before funds once no hold is on them, and leaves the current ones alone', async () => {
    const prefix = api.config.REDIS_PREFIX;
    // As processes of an earlier version leave them: a tenant's balance and a token's spend, each
    // idle (held 0) or with a hold in flight.
    const idle = [`${prefix}:bal:${tenant.id}`, `${prefix}:tq:00000000-0000-4000-8000-0000000001d1`];
    const held = [
      `${prefix}:bal:00000000-0000-4000-8000-0000000002e1`,
      `${prefix}:tq:00000000-0000-4000-8000-0000000002e2`,
    ];
    await redis.hset(idle[0]!, 'credits', '1000', 'debits', '0', 'balance', '1000', 'held', '0');
    await redis.hset(idle[1]!, 'used', '30', 'held', '0');
    await redis.hset(held[0]!, 'credits', '1000', 'debits', '0', 'balance', '1000', 'held', '80');
    await redis.hset(held[1]!, 'used', '0', 'held', '50');
    // This version's mirror of the same tenant, made by a request served on a token with a quota.
    const token = await newToken('5');
    await serve(token);
    const funds = `${prefix}:funds:${tenant.id}`;
    const current = await redis.hgetall(funds);
    const tokenMirror = await redis.hgetall(tq(token, await epochOf(token)));
    expect(current).toHaveProperty('credits');

    expect(await sweep.run()).toMatchObject({ deleted: 0, legacy: 2, held: 2 });
    for (const key of idle) expect(await redis.exists(key)).toBe(0);
    for (const key of held) expect(await redis.exists(key)).toBe(1);
    expect(await redis.hgetall(funds)).toEqual(current);
    expect(await redis.hgetall(tq(token, await epochOf(token)))).toEqual(tokenMirror);
    expect((await mirror.snapshot(tenant.id))?.balance).toBe(
      BigInt(current['credits']!) - BigInt(current['debits']!),
    );

    // Their holds released (the reaper gives them back onto that layout): deleted by the next sweep.
    await redis.hset(held[0]!, 'held', '0');
    await redis.hset(held[1]!, 'held', '0');
    expect(await sweep.run()).toMatchObject({ deleted: 0, legacy: 2, held: 0 });
    expect(await redis.exists(...held)).toBe(0);
    expect(await sweep.run()).toMatchObject({ deleted: 0, legacy: 0, held: 0 });
  });

  it('finds every stale mirror across many SCAN steps', async () => {
    // Mirrors of tokens that never existed (as after a deletion), more than one SCAN step returns.
    const ghosts = Array.from(
      { length: 1200 },
      (_, i) => `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`,
    );
    const pipeline = redis.pipeline();
    for (const id of ghosts) pipeline.hset(tq(id, 0), 'used', '1', 'held', '0');
    await pipeline.exec();

    const report = await sweep.run();
    expect(report.deleted).toBe(ghosts.length);
    expect(await redis.exists(...ghosts.map((id) => tq(id, 0)))).toBe(0);
  });
});
