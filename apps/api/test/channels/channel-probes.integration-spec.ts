// Channel health probes end to end: the api (channels through /api, the relay on /v1) and two
// worker stand-ins running the channels domain's BullMQ processor on the same Redis prefix, probing
// the in-process mock provider. Jobs are enqueued the way the schedulers do (by queue and job
// name, with a job id), so each test can wait for its own probe.
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { Module } from '@nestjs/common';
import type { AppConfig } from '@gateway/config';
import { ConfigModule } from '@gateway/config';
import {
  Channel,
  ChannelKey,
  ChannelKeyProbe,
  ChannelsProcessor,
  ChannelsWorkerModule,
  PROBE_JOB,
  ProbeKeyData,
  ProbeSchedules,
  PruneProbeHistoryJob,
  SweepCoolingKeysJob,
  earlyModelProbeJobId,
  earlyProbeJobId,
  probeSchedulerId,
} from '@gateway/channels';
import { DbModule } from '@gateway/db';
import { Role } from '@gateway/identity';
import { MockUpstream, startMockUpstream } from '@gateway/mock-upstream';
import { ChangeFeed, QueueName, REDIS, RedisModule, redisOptionsFromUrl } from '@gateway/redis';
import { RelayLimiter } from '@gateway/relay';
import { ENTITIES } from '@gateway/schema';
import { waitFor } from '@gateway/testing';
import { AuditLog } from '@gateway/audit';
import { Queue, QueueEvents, Worker } from 'bullmq';
import type Redis from 'ioredis';
import { DataSource, IsNull } from 'typeorm';
import { ApiHarness, startApi } from '../api-harness';
import { Session, sessionAs } from '../fixtures';
import { seedTenantWithToken } from '../relay/relay-fixture';

const THRESHOLD = 3;

/** The worker's channels module, on its own connections: what one worker process runs of it. */
async function startProbeWorker(config: AppConfig): Promise<INestApplicationContext> {
  @Module({
    imports: [
      ConfigModule.forRoot(config),
      DbModule.forRoot({ entities: ENTITIES, applicationName: 'probe-worker-test' }),
      RedisModule,
      ChannelsWorkerModule,
    ],
  })
  class ProbeWorkerModule {}
  const app = await NestFactory.createApplicationContext(ProbeWorkerModule, { logger: false });
  app.enableShutdownHooks();
  await app.init();
  return app;
}

interface KeyView {
  id: string;
  status: string;
  health: string;
  lastCheckedAt: string | null;
  latencyMs: number | null;
  consecutiveFailures: number;
  disabledReason: string | null;
  cooldownUntil: string | null;
  modelCooldowns: Record<string, string>;
}

describe('channel health probes', () => {
  let api: ApiHarness;
  let mock: MockUpstream;
  let admin: Session;
  let db: DataSource;
  let workers: INestApplicationContext[] = [];
  let queue: Queue;
  let events: QueueEvents;
  let n = 0;

  beforeAll(async () => {
    [api, mock] = await Promise.all([
      startApi('channel-probes', {
        PROBE_FAILURE_THRESHOLD: String(THRESHOLD),
        PROBE_RATE_PER_MINUTE: '1000',
        RELAY_COOLDOWN_BASE_MS: '20000',
        RELAY_COOLDOWN_MAX_MS: '600000',
      }),
      startMockUpstream(),
    ]);
    db = api.app.get(DataSource);
    admin = await sessionAs(api, Role.SuperAdmin, null);
    workers = [await startProbeWorker(api.config), await startProbeWorker(api.config)];
    const connection = redisOptionsFromUrl(api.config.REDIS_URL);
    const prefix = `${api.config.REDIS_PREFIX}:bull`;
    queue = new Queue(QueueName.Channels, { connection, prefix });
    events = new QueueEvents(QueueName.Channels, { connection, prefix });
    await events.waitUntilReady();
  });
  afterAll(async () => {
    await events?.close();
    await queue?.close();
    await Promise.all(workers.map((w) => w.close()));
    await mock?.close();
    await api?.close();
  });

  /** A channel on the mock with its keys; a long probe interval keeps the schedule out of the way. */
  async function channelWith(keys: (string | { key: string; status?: string })[], overrides: object = {}) {
    n += 1;
    const channel = await admin
      .post('/api/channels', {
        name: `probe-${n}-${Date.now()}`,
        type: 'openai',
        baseUrl: mock.baseUrl,
        models: ['mock-gpt'],
        timeoutMs: 5000,
        probeIntervalS: 86_400,
        ...overrides,
      })
      .expect(201);
    const keyIds: string[] = [];
    for (const key of keys) {
      const body = typeof key === 'string' ? { key } : key;
      const res = await admin.post(`/api/channels/${channel.body.id}/keys`, body).expect(201);
      keyIds.push(res.body.id as string);
    }
    return { id: channel.body.id as string, keyIds };
  }

  let jobs = 0;
  /** Runs one probe of the key now, as its scheduler would, and returns the job's outcome. */
  async function probe(channelId: string, keyId: string, trigger: ProbeKeyData['trigger'] = 'scheduled') {
    jobs += 1;
    const data: ProbeKeyData = { channelId, keyId, trigger };
    const job = await queue.add(PROBE_JOB, data, { jobId: `test-${jobs}-${Date.now()}` });
    return (await job.waitUntilFinished(events, 20_000)) as Record<string, unknown>;
  }

  async function keyView(channelId: string, keyId: string): Promise<KeyView> {
    const res = await admin.get(`/api/channels/${channelId}/keys`).expect(200);
    const found = (res.body.items as KeyView[]).find((k) => k.id === keyId);
    if (!found) throw new Error(`key ${keyId} not listed`);
    return found;
  }

  const requestsWith = (apiKey: string) => mock.requests.filter((r) => r.apiKey === apiKey);
  const channelRow = (id: string) => db.getRepository(Channel).findOneByOrFail({ id });

  it('a good key: healthy, with latency, through GET /models with that key; history through the API', async () => {
    const key = 'sk-mock-healthy-1';
    const { id, keyIds } = await channelWith([key]);
    const outcome = await probe(id, keyIds[0]!);
    expect(outcome).toMatchObject({ result: 'healthy', status: 200, keyTransition: null });

    await mock.settled();
    const sent = requestsWith(key);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ method: 'GET', path: '/v1/models', status: 200 });

    const view = await keyView(id, keyIds[0]!);
    expect(view).toMatchObject({
      status: 'enabled',
      health: 'healthy',
      consecutiveFailures: 0,
      disabledReason: null,
    });
    expect(view.latencyMs).toEqual(expect.any(Number));
    expect(Date.now() - Date.parse(view.lastCheckedAt as string)).toBeLessThan(30_000);

    const history = await admin.get(`/api/channels/${id}/keys/${keyIds[0]}/probes`).expect(200);
    expect(history.body.total).toBe(1);
    expect(history.body.items[0]).toMatchObject({
      keyId: keyIds[0],
      trigger: 'scheduled',
      result: 'healthy',
      httpStatus: 200,
      message: 'ok',
    });
  });

  it('settings.healthCheck "completion" probes with a 1-token chat instead; a bad value is a 400', async () => {
    const key = 'sk-mock-open-models';
    const { id, keyIds } = await channelWith([key], { settings: { healthCheck: 'completion' } });
    expect(await probe(id, keyIds[0]!)).toMatchObject({ result: 'healthy', status: 200 });
    await mock.settled();
    expect(requestsWith(key)).toEqual([
      expect.objectContaining({
        method: 'POST',
        path: '/v1/chat/completions',
        body: expect.objectContaining({ max_tokens: 1 }),
      }),
    ]);
    const bad = await admin
      .post('/api/channels', {
        name: `probe-bad-${Date.now()}`,
        type: 'openai',
        baseUrl: mock.baseUrl,
        models: ['mock-gpt'],
        settings: { healthCheck: 'sometimes' },
      })
      .expect(400);
    expect(JSON.stringify(bad.body)).toContain('settings.healthCheck');
  });

  it('429 → rate_limited (no failure counted); 401 → invalid (one failure), masked message', async () => {
    const limited = 'sk-mock-limited;status=429';
    const bad = 'sk-mock-badkey;status=401';
    const { id, keyIds } = await channelWith([limited, bad]);
    expect(await probe(id, keyIds[0]!)).toMatchObject({ result: 'rate_limited', status: 429 });
    expect(await probe(id, keyIds[1]!)).toMatchObject({ result: 'invalid', status: 401 });

    expect(await keyView(id, keyIds[0]!)).toMatchObject({
      health: 'rate_limited',
      consecutiveFailures: 0,
      status: 'enabled',
    });
    expect(await keyView(id, keyIds[1]!)).toMatchObject({
      health: 'invalid',
      consecutiveFailures: 1,
      status: 'enabled',
    });
    const history = await admin
      .get(`/api/channels/${id}/keys/${keyIds[1]}/probes?result=invalid`)
      .expect(200);
    expect(history.body.items).toHaveLength(1);
    expect(history.body.items[0]).toMatchObject({ result: 'invalid', httpStatus: 401 });
    expect(JSON.stringify(history.body)).not.toContain(bad);
  });

  it(`${THRESHOLD} failures in a row auto-disable the key and its channel; a success re-enables both`, async () => {
    const key = `sk-mock-flaky;status=500;fail=${THRESHOLD}`;
    const { id, keyIds } = await channelWith([key]);
    const keyId = keyIds[0]!;
    for (let i = 1; i < THRESHOLD; i++) {
      expect(await probe(id, keyId)).toMatchObject({ result: 'error', status: 500, keyTransition: null });
      expect(await keyView(id, keyId)).toMatchObject({ status: 'enabled', consecutiveFailures: i });
    }
    expect(await probe(id, keyId)).toMatchObject({
      result: 'error',
      keyTransition: 'auto_disabled',
      channelTransition: 'auto_disabled',
    });
    const disabled = await keyView(id, keyId);
    expect(disabled).toMatchObject({ status: 'auto_disabled', consecutiveFailures: THRESHOLD });
    expect(disabled.disabledReason).toContain(`${THRESHOLD} probes in a row failed; last: error (HTTP 500`);
    const channel = await admin.get(`/api/channels/${id}`).expect(200);
    expect(channel.body).toMatchObject({ status: 'auto_disabled' });
    expect(channel.body.disabledReason).toEqual(expect.any(String));

    // The mock's failure budget is spent: the next probe succeeds and undoes what the probes did.
    expect(await probe(id, keyId)).toMatchObject({
      result: 'healthy',
      keyTransition: 're_enabled',
      channelTransition: 're_enabled',
    });
    expect(await keyView(id, keyId)).toMatchObject({
      status: 'enabled',
      consecutiveFailures: 0,
      disabledReason: null,
      health: 'healthy',
    });
    expect(await channelRow(id)).toMatchObject({ status: 'enabled', disabledReason: null });

    // Both changes are in the audit log, made by no user (the system).
    const audits = await db
      .getRepository(AuditLog)
      .find({ where: { entityId: keyId, entityType: 'channel_key' }, order: { createdAt: 'ASC' } });
    const bySystem = audits.filter((a) => a.actorUserId === null);
    expect(bySystem.map((a) => (a.after as { status: string }).status)).toEqual(['auto_disabled', 'enabled']);
  });

  it('a channel the probes disabled comes back once an admin re-enabled one of its keys', async () => {
    const key = `sk-mock-handback;status=401;fail=${THRESHOLD}`;
    const { id, keyIds } = await channelWith([key]);
    const keyId = keyIds[0]!;
    for (let i = 0; i < THRESHOLD; i++) await probe(id, keyId);
    expect(await channelRow(id)).toMatchObject({ status: 'auto_disabled' });
    await admin.patch(`/api/channels/${id}/keys/${keyId}`, { status: 'enabled' }).expect(200);
    expect(await keyView(id, keyId)).toMatchObject({ status: 'enabled', consecutiveFailures: 0 });
    expect(await channelRow(id)).toMatchObject({ status: 'auto_disabled' });
    expect(await probe(id, keyId)).toMatchObject({
      result: 'healthy',
      keyTransition: null,
      channelTransition: 're_enabled',
    });
    expect(await channelRow(id)).toMatchObject({ status: 'enabled', disabledReason: null });
  });

  it('never re-enables what an admin disabled, and does not probe it', async () => {
    const key = `sk-mock-admin;status=401;fail=${THRESHOLD}`;
    const { id, keyIds } = await channelWith([key, 'sk-mock-admin-other']);
    const keyId = keyIds[0]!;
    for (let i = 0; i < THRESHOLD; i++) await probe(id, keyId);
    expect(await keyView(id, keyId)).toMatchObject({ status: 'auto_disabled' });
    // The channel still has an enabled key, so it stays enabled.
    expect(await channelRow(id)).toMatchObject({ status: 'enabled' });

    // An admin takes over: disabled by hand; the probes' reason and streak are dropped.
    await admin.patch(`/api/channels/${id}/keys/${keyId}`, { status: 'disabled' }).expect(200);
    expect(await keyView(id, keyId)).toMatchObject({
      status: 'disabled',
      disabledReason: null,
      consecutiveFailures: 0,
    });
    const before = requestsWith(key).length;
    expect(await probe(id, keyId)).toEqual({ skipped: 'disabled' });
    await mock.settled();
    expect(requestsWith(key)).toHaveLength(before);
    expect(await keyView(id, keyId)).toMatchObject({ status: 'disabled' });

    // Same for a channel an admin disabled: its keys are left alone.
    await admin.patch(`/api/channels/${id}/keys/${keyId}`, { status: 'enabled' }).expect(200);
    await admin.patch(`/api/channels/${id}`, { status: 'disabled' }).expect(200);
    expect(await probe(id, keyIds[1]!)).toEqual({ skipped: 'disabled' });
    expect(await channelRow(id)).toMatchObject({ status: 'disabled' });
  });

  it('keeps one repeatable probe per probeable key, following channel and key changes', async () => {
    const schedules = workers[0]!.get(ProbeSchedules);
    const every = async (keyId: string) => {
      const found = (await queue.getJobSchedulers(0, -1)).find((s) => s?.key === probeSchedulerId(keyId));
      return found ? { every: found.every, offset: found.offset, data: found.template?.data } : null;
    };
    const { id, keyIds } = await channelWith(['sk-mock-sched-1', 'sk-mock-sched-2'], { probeIntervalS: 600 });
    const [k1, k2] = keyIds as [string, string];
    const scheduled = await waitFor('both keys scheduled', async () =>
      (await every(k1)) && (await every(k2)) ? [await every(k1), await every(k2)] : undefined,
    );
    expect(scheduled[0]).toMatchObject({
      every: 600_000,
      data: { channelId: id, keyId: k1, trigger: 'scheduled' },
    });
    // Jittered: each key at its own point of the interval, stable across syncs.
    expect(scheduled[0]!.offset).toBeGreaterThan(0);
    expect(scheduled[0]!.offset).toBeLessThan(600_000);
    expect(scheduled[0]!.offset).not.toBe(scheduled[1]!.offset);

    await admin.patch(`/api/channels/${id}`, { probeIntervalS: 120 }).expect(200);
    await waitFor('the new interval', async () => ((await every(k1))?.every === 120_000 ? true : undefined));

    await admin.patch(`/api/channels/${id}/keys/${k2}`, { status: 'disabled' }).expect(200);
    await waitFor('the disabled key unscheduled', async () =>
      (await every(k2)) === null ? true : undefined,
    );
    expect(await every(k1)).not.toBeNull();

    await admin.delete(`/api/channels/${id}`).expect(204);
    await waitFor('the deleted channel unscheduled', async () =>
      (await every(k1)) === null ? true : undefined,
    );

    // A full sync (the safety net) agrees and changes nothing more.
    await schedules.idle();
    const again = await schedules.syncAll();
    expect(again.removed).toBe(0);
  });

  it('two workers never run the same probe twice: one job id, one upstream call', async () => {
    const key = 'sk-mock-once;latency=300';
    const { id, keyIds } = await channelWith([key]);
    const connection = redisOptionsFromUrl(api.config.REDIS_URL);
    const prefix = `${api.config.REDIS_PREFIX}:bull`;
    const other = new Queue(QueueName.Channels, { connection, prefix });
    try {
      const data: ProbeKeyData = { channelId: id, keyId: keyIds[0]!, trigger: 'scheduled' };
      // Two producers (say, two schedulers racing) add the same iteration at the same moment.
      const [a] = await Promise.all([
        queue.add(PROBE_JOB, data, { jobId: `same-${id}` }),
        other.add(PROBE_JOB, data, { jobId: `same-${id}` }),
      ]);
      await a.waitUntilFinished(events, 20_000);
      // Re-adding a finished iteration is a no-op too.
      await other.add(PROBE_JOB, data, { jobId: `same-${id}` });
      await new Promise((resolve) => setTimeout(resolve, 500));
      await mock.settled();
      expect(requestsWith(key)).toHaveLength(1);
      expect(await db.getRepository(ChannelKeyProbe).countBy({ keyId: keyIds[0]! })).toBe(1);
    } finally {
      await other.close();
    }
  });

  it('two workers on one schedule: each iteration probed once', async () => {
    const key = 'sk-mock-every-second';
    const { id, keyIds } = await channelWith([key]);
    const keyId = keyIds[0]!;
    // Faster than the API allows (10 s), straight in the database, so the test is short.
    await db.getRepository(Channel).update({ id }, { probeIntervalS: 1 });
    await workers[0]!.get(ChangeFeed).publish('channels', id);
    await waitFor(
      '5 scheduled probes',
      async () => ((await db.getRepository(ChannelKeyProbe).countBy({ keyId })) >= 5 ? true : undefined),
      20_000,
    );
    await admin.patch(`/api/channels/${id}/keys/${keyId}`, { status: 'disabled' }).expect(200);
    await waitFor('unscheduled', async () =>
      (await queue.getJobSchedulers(0, -1)).some((s) => s?.key === probeSchedulerId(keyId))
        ? undefined
        : true,
    );
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // an iteration in flight lands
    await mock.settled();

    const rows = await db
      .getRepository(ChannelKeyProbe)
      .find({ where: { keyId }, order: { checkedAt: 'ASC' } });
    const calls = requestsWith(key);
    // Every upstream call is one stored probe of its own iteration (job id), none twice…
    expect(calls).toHaveLength(rows.length);
    expect(new Set(rows.map((r) => r.jobId)).size).toBe(rows.length);
    expect(rows.every((r) => r.jobId?.startsWith(`repeat:${probeSchedulerId(keyId)}:`))).toBe(true);
    // …and iterations are a second apart, not doubled by the second worker.
    const iterations = rows.map((r) => Number(r.jobId?.split(':').pop()));
    for (let i = 1; i < iterations.length; i++)
      expect(iterations[i]! - iterations[i - 1]!).toBeGreaterThanOrEqual(1000);
  });

  it('a worker that dies mid-probe loses the job to another, and the result counts once', async () => {
    const key = 'sk-mock-dies;status=500;latency=2500';
    const { id, keyIds } = await channelWith([key]);
    const keyId = keyIds[0]!;
    const real = workers.map((w) => w.get(ChannelsProcessor).worker);
    await Promise.all(real.map((w) => w.pause()));
    const processor = workers[0]!.get(ChannelsProcessor);
    const connection = redisOptionsFromUrl(api.config.REDIS_URL);
    const prefix = `${api.config.REDIS_PREFIX}:bull`;
    // Short locks, so that a lost job is noticed in a second or two rather than a minute.
    const options = { connection, prefix, lockDuration: 1_000, stalledInterval: 500, autorun: false };
    const doomed = new Worker(QueueName.Channels, (job, token) => processor.process(job, token), options);
    const survivor = new Worker(QueueName.Channels, (job, token) => processor.process(job, token), options);
    for (const w of [doomed, survivor]) w.on('error', () => undefined);
    try {
      void doomed.run();
      const data: ProbeKeyData = { channelId: id, keyId, trigger: 'scheduled' };
      const job = await queue.add(PROBE_JOB, data, { jobId: `dies-${id}`, attempts: 3 });
      await waitFor('the doomed worker probing', async () =>
        requestsWith(key).length > 0 ? true : undefined,
      );
      // Killed: it stops renewing its lock and never completes the job.
      await doomed.close(true);
      void survivor.run();
      // BullMQ throttles stalled checks queue-wide (a key the paused 30 s-interval workers set too);
      // dropping that throttle stands in for waiting out their interval.
      const redis = api.app.get<Redis>(REDIS);
      const hurry = setInterval(() => void redis.del(`${prefix}:${QueueName.Channels}:stalled-check`), 200);
      try {
        await job.waitUntilFinished(events, 20_000);
      } finally {
        clearInterval(hurry);
      }
      await mock.settled();
      await new Promise((resolve) => setTimeout(resolve, 500));

      expect(requestsWith(key).length).toBeGreaterThanOrEqual(1);
      expect(await db.getRepository(ChannelKeyProbe).countBy({ keyId })).toBe(1);
      expect(await keyView(id, keyId)).toMatchObject({ health: 'error', consecutiveFailures: 1 });
    } finally {
      await Promise.all([doomed.close(true), survivor.close()]);
      real.forEach((w) => w.resume());
    }
  });

  it('reset-cooldown (super admin, audited) makes the relay route to the key again at once', async () => {
    // One 429 without Retry-After: the relay cools the model on the key on a guess
    // (RELAY_COOLDOWN_BASE_MS = 20 s).
    const key = 'sk-mock-cool;status=429;fail=1';
    const model = `cool-model-${Date.now()}`;
    const { id, keyIds } = await channelWith([key], {
      models: [model],
      modelMapping: { [model]: 'mock-gpt' },
    });
    const { key: token, tenantId } = await seedTenantWithToken(api, admin.token);
    const chat = () =>
      fetch(`${api.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
      });
    await waitFor('the relay sees the channel', async () => {
      const res = await fetch(`${api.url}/v1/models`, { headers: { authorization: `Bearer ${token}` } });
      const body = (await res.json()) as { data?: { id: string }[] };
      return body.data?.some((m) => m.id === model) ? true : undefined;
    });

    expect((await chat()).status).toBe(429);
    const cooling = await keyView(id, keyIds[0]!);
    expect(cooling.cooldownUntil).toBeNull();
    expect(Date.parse(cooling.modelCooldowns['mock-gpt'] as string)).toBeGreaterThan(Date.now() + 5_000);
    const sent = requestsWith(key).length;
    const skipped = await chat();
    expect(skipped.status).toBe(429);
    expect(requestsWith(key)).toHaveLength(sent); // the cooling key was not even tried

    // Only a super admin may reset; a tenant owner gets 403 and nothing changes.
    const owner = await sessionAs(api, Role.Owner, tenantId);
    await owner.post(`/api/channels/${id}/keys/${keyIds[0]}/reset-cooldown`).expect(403);
    expect((await keyView(id, keyIds[0]!)).modelCooldowns).toEqual(cooling.modelCooldowns);

    const reset = await admin.post(`/api/channels/${id}/keys/${keyIds[0]}/reset-cooldown`).expect(200);
    expect(reset.body).toMatchObject({ id: keyIds[0], cooldownUntil: null, modelCooldowns: {} });
    const routed = await chat();
    expect(routed.status).toBe(200);
    expect(routed.headers.get('x-routed-via')).toBe(`${(await channelRow(id)).name}/mock-gpt`);

    const audit = await db
      .getRepository(AuditLog)
      .findOneOrFail({ where: { entityId: keyIds[0]!, action: 'update', actorUserId: admin.user.id } });
    expect(audit.before).toEqual({ cooldownUntil: null, modelCooldowns: cooling.modelCooldowns });
    expect(audit.after).toEqual({ cooldownUntil: null, modelCooldowns: {} });

    await admin
      .post(`/api/channels/${id}/keys/00000000-0000-4000-8000-000000000000/reset-cooldown`)
      .expect(404);
  });

  it('a guessed cooldown is probed early and ended by a healthy probe; a Retry-After one is not', async () => {
    const { id, keyIds } = await channelWith(['sk-mock-guessed-1', 'sk-mock-told-2']);
    const [guessed, told] = keyIds as [string, string];
    const limiter = api.app.get(RelayLimiter);
    const now = Date.now();
    // Two 429s without Retry-After, the second after the first cooldown ended: it doubles the guess
    // (40 s), so an early look pays off.
    await limiter.coolKey(guessed, null, now - 45_000);
    const until = await limiter.coolKey(guessed, null, now - 20_000);
    // The upstream said how long: that one stands.
    const toldUntil = await limiter.coolKey(told, 120_000, now);

    const sweep = workers[1]!.get(SweepCoolingKeysJob);
    expect(await sweep.run()).toMatchObject({ enqueued: expect.any(Number) });
    const job = await waitFor(
      'the early probe job',
      async () => (await queue.getJob(earlyProbeJobId(guessed, until))) ?? undefined,
    );
    expect(await job.waitUntilFinished(events, 20_000)).toMatchObject({
      result: 'healthy',
      cooldownCleared: true,
    });
    expect((await keyView(id, guessed)).cooldownUntil).toBeNull();
    expect(await queue.getJob(earlyProbeJobId(told, toldUntil))).toBeUndefined();
    const history = await admin.get(`/api/channels/${id}/keys/${guessed}/probes`).expect(200);
    expect(history.body.items[0]).toMatchObject({ trigger: 'early', result: 'healthy' });

    // A healthy scheduled probe leaves the upstream's own Retry-After alone.
    expect(await probe(id, told)).toMatchObject({ result: 'healthy', cooldownCleared: false });
    expect((await keyView(id, told)).cooldownUntil).not.toBeNull();
  });

  it('a model cooled on a guess is probed early with that model, and only its cooldown ends (audited)', async () => {
    const key = 'sk-mock-model-guessed-1';
    const { id, keyIds } = await channelWith([key], { models: ['mock-gpt', 'other'] });
    const keyId = keyIds[0]!;
    const limiter = api.app.get(RelayLimiter);
    const policy = { baseMs: 20_000, maxMs: 600_000 };
    const now = Date.now();
    // (A model name with ':' as OpenRouter's free ones: BullMQ job ids may not hold one.)
    // Two 429s for mock-gpt:free without Retry-After (the second doubles the guess to 40 s), and one for
    // a model whose upstream said how long: that one stands.
    await limiter.cool({ keyId, retryAfterMs: null, now: now - 45_000, model: 'mock-gpt:free', ...policy });
    const told = await limiter.cool({
      keyId,
      retryAfterMs: 120_000,
      now: now - 30_000,
      model: 'other',
      ...policy,
    });
    const guessed = await limiter.cool({
      keyId,
      retryAfterMs: null,
      now: now - 20_000,
      model: 'mock-gpt:free',
      ...policy,
    });
    expect(Object.keys((await keyView(id, keyId)).modelCooldowns).sort()).toEqual(['mock-gpt:free', 'other']);

    await workers[0]!.get(SweepCoolingKeysJob).run();
    const job = await waitFor(
      'the early probe of the model',
      async () =>
        (await queue.getJob(earlyModelProbeJobId(keyId, 'mock-gpt:free', guessed.until))) ?? undefined,
    );
    expect(job.data).toMatchObject({ keyId, trigger: 'early', model: 'mock-gpt:free' });
    expect(await job.waitUntilFinished(events, 20_000)).toMatchObject({
      result: 'healthy',
      cooldownCleared: true,
    });
    expect(await queue.getJob(earlyModelProbeJobId(keyId, 'other', told.until))).toBeUndefined();
    // The model itself was asked, with a completion.
    expect(
      requestsWith(key).filter(
        (r) =>
          r.path.endsWith('/chat/completions') && (r.body as { model?: string }).model === 'mock-gpt:free',
      ),
    ).toHaveLength(1);

    const view = await keyView(id, keyId);
    expect(Object.keys(view.modelCooldowns)).toEqual(['other']);
    expect(view.cooldownUntil).toBeNull();
    const redis = api.app.get<Redis>(REDIS);
    const hash = await redis.hgetall(`${api.config.REDIS_PREFIX}:key:${keyId}`);
    expect(hash).not.toHaveProperty('cdg:mock-gpt:free');
    expect(hash).not.toHaveProperty('strikes:mock-gpt:free');
    expect(hash['strikes:other']).toBe('1');

    const audit = await db.getRepository(AuditLog).findOneOrFail({
      where: { entityId: keyId, action: 'update', actorUserId: IsNull() },
      order: { createdAt: 'DESC' },
    });
    expect(audit.before).toMatchObject({
      cooldownUntil: null,
      modelCooldowns: { 'mock-gpt:free': new Date(guessed.until).toISOString() },
    });
    expect(audit.after).toEqual({
      cooldownUntil: null,
      modelCooldowns: { other: new Date(told.until).toISOString() },
    });

    // A second sweep does not probe the ended cooldown again.
    await workers[0]!.get(SweepCoolingKeysJob).run();
    await mock.settled();
    expect(requestsWith(key).filter((r) => r.path.endsWith('/chat/completions'))).toHaveLength(1);
  });

  it('waits for the next minute when the provider’s probe rate is used up', async () => {
    const key = 'sk-mock-ratelimited-probe';
    const { id, keyIds } = await channelWith([key]);
    const redis = api.app.get<Redis>(REDIS);
    const minute = Math.floor(Date.now() / 60_000);
    const host = new URL(mock.baseUrl).host;
    for (const m of [minute, minute + 1]) {
      await redis.set(`${api.config.REDIS_PREFIX}:probe:rate:${host}:${m}`, '1000', 'PX', 180_000);
    }
    const data: ProbeKeyData = { channelId: id, keyId: keyIds[0]!, trigger: 'scheduled' };
    const job = await queue.add(PROBE_JOB, data, { jobId: `rate-${id}` });
    await waitFor('the job put back as delayed', async () =>
      (await job.getState()) === 'delayed' ? true : undefined,
    );
    await mock.settled();
    expect(requestsWith(key)).toHaveLength(0);
    await job.remove();
    for (const m of [minute, minute + 1])
      await redis.del(`${api.config.REDIS_PREFIX}:probe:rate:${host}:${m}`);
  });

  it('the test button lands in the history too, without touching the status', async () => {
    const key = 'sk-mock-button;status=401';
    const { id, keyIds } = await channelWith([key]);
    await admin.post(`/api/channels/${id}/test`, { keyId: keyIds[0] }).expect(200);
    expect(await keyView(id, keyIds[0]!)).toMatchObject({
      health: 'invalid',
      consecutiveFailures: 0,
      status: 'enabled',
    });
    const history = await admin.get(`/api/channels/${id}/keys/${keyIds[0]}/probes`).expect(200);
    expect(history.body.items).toEqual([
      expect.objectContaining({ trigger: 'manual', result: 'invalid', httpStatus: 401 }),
    ]);
  });

  it('prunes probe history older than PROBE_HISTORY_DAYS', async () => {
    const { id, keyIds } = await channelWith(['sk-mock-prune-1']);
    const repo = db.getRepository(ChannelKeyProbe);
    const day = 86_400_000;
    const row = (ageDays: number) => ({
      keyId: keyIds[0]!,
      channelId: id,
      jobId: null,
      trigger: 'scheduled' as const,
      result: 'healthy' as const,
      httpStatus: 200,
      latencyMs: 1,
      message: 'ok',
      checkedAt: new Date(Date.now() - ageDays * day),
    });
    const days = api.config.PROBE_HISTORY_DAYS;
    await repo.insert([row(days + 1), row(days + 30), row(days - 1), row(0)]);
    const pruned = await workers[0]!.get(PruneProbeHistoryJob).run();
    expect(pruned.deleted).toBeGreaterThanOrEqual(2);
    expect(await repo.countBy({ keyId: keyIds[0]! })).toBe(2);
    expect((await workers[0]!.get(PruneProbeHistoryJob).run()).deleted).toBe(0);
  });

  it('validates: a bad filter is a 400 naming the field; malformed or foreign key ids 404', async () => {
    const { id, keyIds } = await channelWith(['sk-mock-valid-1']);
    await admin.get(`/api/channels/${id}/keys/not-a-uuid/probes`).expect(404);
    const bad = await admin.get(`/api/channels/${id}/keys/${keyIds[0]}/probes?result=sick`).expect(400);
    expect(JSON.stringify(bad.body.errors)).toContain('result');
    const other = await channelWith(['sk-mock-valid-2']);
    // A key of another channel is not found under this one.
    await admin.get(`/api/channels/${id}/keys/${other.keyIds[0]}/probes`).expect(404);
    await admin.post(`/api/channels/${id}/keys/${other.keyIds[0]}/reset-cooldown`).expect(404);
    expect(await db.getRepository(ChannelKey).countBy({ id: keyIds[0]! })).toBe(1);
  });
});
