// Channels over real HTTP, Postgres and Redis: who may touch them, validation, uniqueness,
// key counts, presets, deletion with keys, audit rows, OpenAPI.
import { AuditLog } from '@gateway/audit';
import { ChannelKey } from '@gateway/channels';
import { Role } from '@gateway/identity';
import { REDIS } from '@gateway/redis';
import type Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { ApiHarness, startApi } from '../api-harness';
import { Session, seedTenant, sessionAs } from '../fixtures';

const TENANT_ROLES = [Role.Owner, Role.Admin, Role.Member, Role.Finance];

const validChannel = (overrides: Record<string, unknown> = {}) => ({
  name: `ch-${Math.random().toString(36).slice(2, 10)}`,
  type: 'openai',
  baseUrl: 'https://api.openai.com/v1/',
  models: ['gpt-4o', 'gpt-4o-mini', 'fast'],
  modelMapping: { fast: 'gpt-4o-mini' },
  priority: 10,
  weight: 5,
  groups: ['default', 'vip'],
  timeoutMs: 30_000,
  probeIntervalS: 600,
  ...overrides,
});

describe('channels', () => {
  let api: ApiHarness;
  let admin: Session;
  let db: DataSource;

  beforeAll(async () => {
    api = await startApi('channels');
    db = api.app.get(DataSource);
    admin = await sessionAs(api, Role.SuperAdmin, null);
  });
  afterAll(async () => {
    await api.close();
  });

  async function createChannel(overrides: Record<string, unknown> = {}) {
    const res = await admin.post('/api/channels', validChannel(overrides)).expect(201);
    return res.body as { id: string; name: string } & Record<string, unknown>;
  }

  describe('access: super_admin only', () => {
    it.each(TENANT_ROLES)('%s gets 403 on every channel and key route, and nothing changes', async (role) => {
      const channel = await createChannel();
      const tenant = await seedTenant(api);
      const user = await sessionAs(api, role, tenant.id);
      const fakeKey = '00000000-0000-4000-8000-000000000000';
      const attempts = [
        user.get('/api/channels'),
        user.get('/api/channels/presets'),
        user.post('/api/channels', validChannel()),
        user.get(`/api/channels/${channel.id}`),
        user.patch(`/api/channels/${channel.id}`, { name: 'stolen' }),
        user.delete(`/api/channels/${channel.id}`),
        user.post(`/api/channels/${channel.id}/test`, {}),
        user.get(`/api/channels/${channel.id}/keys`),
        user.post(`/api/channels/${channel.id}/keys`, { key: 'sk-tenant-key-123456' }),
        user.patch(`/api/channels/${channel.id}/keys/${fakeKey}`, { label: 'x' }),
        user.delete(`/api/channels/${channel.id}/keys/${fakeKey}`),
      ];
      for (const attempt of attempts) {
        const res = await attempt;
        expect(res.status).toBe(403);
        expect(res.body).toMatchObject({ statusCode: 403, code: 'forbidden' });
      }
      const still = await admin.get(`/api/channels/${channel.id}`).expect(200);
      expect(still.body.name).toBe(channel.name);
      expect(await db.getRepository(ChannelKey).count({ where: { channelId: channel.id } })).toBe(0);
    });

    it('without a session: 401', async () => {
      await api.http.get('/api/channels').expect(401);
      await api.http.post('/api/channels').send(validChannel()).expect(401);
    });
  });

  describe('create and read', () => {
    it('creates a channel, normalizes the base URL, and reads it back with key counts', async () => {
      const body = validChannel({ settings: {} });
      const res = await admin.post('/api/channels', body).expect(201);
      expect(res.body).toMatchObject({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        name: body.name,
        type: 'openai',
        baseUrl: 'https://api.openai.com/v1',
        models: ['gpt-4o', 'gpt-4o-mini', 'fast'],
        modelMapping: { fast: 'gpt-4o-mini' },
        priority: 10,
        weight: 5,
        groups: ['default', 'vip'],
        status: 'enabled',
        timeoutMs: 30_000,
        probeIntervalS: 600,
        keyCount: 0,
        keysByStatus: { enabled: 0, disabled: 0, auto_disabled: 0 },
        keysByHealth: { unknown: 0, healthy: 0, rate_limited: 0, invalid: 0, error: 0 },
      });
      const got = await admin.get(`/api/channels/${res.body.id}`).expect(200);
      expect(got.body).toEqual(res.body);
    });

    it('applies defaults', async () => {
      const res = await admin
        .post('/api/channels', {
          name: 'defaults-only',
          type: 'anthropic',
          baseUrl: 'https://api.anthropic.com',
          models: ['claude'],
        })
        .expect(201);
      expect(res.body).toMatchObject({
        modelMapping: {},
        priority: 0,
        weight: 1,
        groups: ['default'],
        status: 'enabled',
        timeoutMs: 60_000,
        probeIntervalS: 300,
        settings: {},
        // Anthropic's daily limits reset at UTC midnight; Gemini's free tier at Pacific midnight.
        dayResetZone: null,
        effectiveDayResetZone: 'UTC',
      });
      const gemini = await createChannel({
        type: 'gemini',
        baseUrl: 'https://generativelanguage.googleapis.com',
      });
      expect(gemini).toMatchObject({ dayResetZone: null, effectiveDayResetZone: 'America/Los_Angeles' });
    });

    it('counts keys per status and health', async () => {
      const channel = await createChannel();
      await admin
        .post(`/api/channels/${channel.id}/keys`, { keys: ['sk-count-aaaaaaaa1', 'sk-count-aaaaaaaa2'] })
        .expect(201);
      await admin
        .post(`/api/channels/${channel.id}/keys`, { key: 'sk-count-aaaaaaaa3', status: 'disabled' })
        .expect(201);
      const res = await admin.get(`/api/channels/${channel.id}`).expect(200);
      expect(res.body).toMatchObject({
        keyCount: 3,
        keysByStatus: { enabled: 2, disabled: 1, auto_disabled: 0 },
        keysByHealth: { unknown: 3 },
      });
      const list = await admin.get(`/api/channels?q=${encodeURIComponent(channel.name)}`).expect(200);
      expect(list.body.items).toHaveLength(1);
      expect(list.body.items[0]).toMatchObject({ id: channel.id, keyCount: 3 });
    });

    it('lists with paging, highest priority first, and filters', async () => {
      const low = await createChannel({ name: 'zz-list-low', priority: -500 });
      const high = await createChannel({
        name: 'zz-list-high',
        priority: 999,
        type: 'gemini',
        baseUrl: 'https://generativelanguage.googleapis.com',
      });
      const all = await admin.get('/api/channels?pageSize=200').expect(200);
      expect(all.body.total).toBeGreaterThanOrEqual(2);
      const ids = (all.body.items as { id: string }[]).map((c) => c.id);
      expect(ids.indexOf(high.id)).toBeLessThan(ids.indexOf(low.id));
      expect(ids[0]).toBe(high.id);

      const page = await admin.get('/api/channels?page=1&pageSize=1').expect(200);
      expect(page.body.items).toHaveLength(1);
      expect(page.body.total).toBe(all.body.total);

      const gemini = await admin.get('/api/channels?type=gemini').expect(200);
      expect((gemini.body.items as { type: string }[]).every((c) => c.type === 'gemini')).toBe(true);
      expect((gemini.body.items as { id: string }[]).map((c) => c.id)).toContain(high.id);

      const bad = await admin.get('/api/channels?pageSize=500&page=0').expect(400);
      expect((bad.body.errors as { field: string }[]).map((e) => e.field).sort()).toEqual([
        'page',
        'pageSize',
      ]);
    });

    it('presets list the well-known providers', async () => {
      const res = await admin.get('/api/channels/presets').expect(200);
      const ids = (res.body as { id: string }[]).map((p) => p.id);
      for (const id of [
        'openai',
        'openrouter',
        'deepseek',
        'groq',
        'siliconflow',
        'moonshot',
        'zhipu',
        'azure-openai',
        'anthropic',
        'gemini',
        'vllm',
        'ollama',
      ]) {
        expect(ids).toContain(id);
      }
      expect(res.body).toContainEqual(
        expect.objectContaining({
          id: 'openrouter',
          type: 'openai',
          baseUrl: 'https://openrouter.ai/api/v1',
        }),
      );
      // A free tier says when its daily caps reset: Google's at Pacific midnight.
      expect(res.body).toContainEqual(
        expect.objectContaining({
          id: 'gemini',
          freeTier: expect.objectContaining({ dayResetZone: 'America/Los_Angeles' }),
        }),
      );
    });
  });

  describe('validation', () => {
    it('names every bad field', async () => {
      const res = await admin
        .post('/api/channels', {
          name: '',
          type: 'cohere',
          baseUrl: 'https://user:pw@example.com/v1?x=1',
          models: ['ok', 'has space', 'ok'],
          modelMapping: { unknown: 'x' },
          priority: 1001,
          weight: 0,
          groups: ['UPPER'],
          status: 'auto_disabled',
          timeoutMs: 999,
          probeIntervalS: 5,
        })
        .expect(400);
      expect(res.body.code).toBe('validation_failed');
      const fields = (res.body.errors as { field: string }[]).map((e) => e.field);
      for (const field of [
        'name',
        'type',
        'baseUrl',
        'models',
        'modelMapping',
        'priority',
        'weight',
        'groups',
        'status',
        'timeoutMs',
        'probeIntervalS',
      ]) {
        expect(fields).toContain(field);
      }
    });

    it.each([
      ['no models', { models: [] }, 'models'],
      ['a 201-character model', { models: ['a'.repeat(201)] }, 'models'],
      ['an ftp base URL', { baseUrl: 'ftp://example.com' }, 'baseUrl'],
      ['a base URL with a fragment', { baseUrl: 'https://example.com/v1#frag' }, 'baseUrl'],
      ['an empty upstream in the mapping', { modelMapping: { fast: '' } }, 'modelMapping'],
      ['a number in the mapping', { modelMapping: { fast: 42 } }, 'modelMapping'],
      ['no groups', { groups: [] }, 'groups'],
      ['a 65-character group', { groups: ['a'.repeat(65)] }, 'groups'],
      ['a fractional priority', { priority: 1.5 }, 'priority'],
      ['a 101-character name', { name: 'x'.repeat(101) }, 'name'],
      ['a bad Azure api version', { settings: { apiVersion: 'latest' } }, 'settings.apiVersion'],
      ['an unknown setting', { settings: { unknownThing: 1 } }, 'settings.unknownThing'],
      ['an unknown field', { extra: 1 }, 'extra'],
      ['an unknown time zone', { dayResetZone: 'Mars/Olympus' }, 'dayResetZone'],
      ['a UTC offset for a time zone', { dayResetZone: 'UTC-8' }, 'dayResetZone'],
      ['a number for a time zone', { dayResetZone: -8 }, 'dayResetZone'],
    ])('refuses %s, naming the field', async (_label, override, field) => {
      const res = await admin.post('/api/channels', validChannel(override)).expect(400);
      expect((res.body.errors as { field: string }[]).map((e) => e.field)).toContain(field);
    });

    it('a duplicate name is 409', async () => {
      const channel = await createChannel();
      const res = await admin.post('/api/channels', validChannel({ name: channel.name })).expect(409);
      expect(res.body.code).toBe('channel_name_taken');
      const other = await createChannel();
      await admin.patch(`/api/channels/${other.id}`, { name: channel.name }).expect(409);
    });

    it('PATCH checks the mapping against the stored models', async () => {
      const channel = await createChannel();
      const res = await admin
        .patch(`/api/channels/${channel.id}`, { modelMapping: { nope: 'gpt-4o' } })
        .expect(400);
      expect(res.body.message).toContain('nope');
      // removing a model that the mapping still uses is refused too
      const res2 = await admin.patch(`/api/channels/${channel.id}`, { models: ['gpt-4o'] }).expect(400);
      expect(res2.body.message).toContain('fast');
      await admin.patch(`/api/channels/${channel.id}`, { models: ['gpt-4o'], modelMapping: {} }).expect(200);
    });

    it('non-UUID and unknown ids are 404', async () => {
      await admin.get('/api/channels/not-a-uuid').expect(404);
      await admin.patch('/api/channels/123', { name: 'x' }).expect(404);
      await admin.delete('/api/channels/zzz').expect(404);
      await admin.post('/api/channels/zzz/test', {}).expect(404);
      await admin.get('/api/channels/zzz/keys').expect(404);
      const unknown = '6f1c1f53-5c43-4b8f-9a5e-0e1f0c3f0c11';
      await admin.get(`/api/channels/${unknown}`).expect(404);
      await admin.patch(`/api/channels/${unknown}`, { name: 'x' }).expect(404);
      await admin.delete(`/api/channels/${unknown}`).expect(404);
      await admin.get(`/api/channels/${unknown}/keys`).expect(404);
      await admin.post(`/api/channels/${unknown}/keys`, { key: 'sk-0123456789' }).expect(404);
    });
  });

  describe('update and delete', () => {
    it('PATCH changes only what is sent and is audited', async () => {
      const channel = await createChannel();
      const res = await admin
        .patch(`/api/channels/${channel.id}`, {
          priority: -3,
          status: 'disabled',
          baseUrl: 'http://10.0.0.5:8000/v1/',
        })
        .expect(200);
      expect(res.body).toMatchObject({
        name: channel.name,
        priority: -3,
        status: 'disabled',
        baseUrl: 'http://10.0.0.5:8000/v1',
        models: channel['models'],
      });
      const audit = await db.getRepository(AuditLog).findOne({
        where: { entityType: 'channel', entityId: channel.id, action: 'update' },
      });
      expect(audit?.before).toMatchObject({ priority: 10, status: 'enabled' });
      expect(audit?.after).toMatchObject({ priority: -3, status: 'disabled' });
      expect(audit?.actorUserId).toBe(admin.user.id);
      expect(audit?.tenantId).toBeNull();
    });

    it('PATCH sets the day reset zone, refuses one that is none, and null goes back to the provider’s', async () => {
      const channel = await createChannel({
        type: 'gemini',
        baseUrl: 'https://generativelanguage.googleapis.com',
      });
      const set = await admin
        .patch(`/api/channels/${channel.id}`, { dayResetZone: 'europe/berlin' })
        .expect(200);
      expect(set.body).toMatchObject({
        dayResetZone: 'Europe/Berlin',
        effectiveDayResetZone: 'Europe/Berlin',
      });
      const bad = await admin
        .patch(`/api/channels/${channel.id}`, { dayResetZone: 'Europe/Nowhere' })
        .expect(400);
      expect((bad.body.errors as { field: string }[]).map((e) => e.field)).toEqual(['dayResetZone']);
      const kept = await admin.get(`/api/channels/${channel.id}`).expect(200);
      expect(kept.body).toMatchObject({ dayResetZone: 'Europe/Berlin' });
      const cleared = await admin.patch(`/api/channels/${channel.id}`, { dayResetZone: null }).expect(200);
      expect(cleared.body).toMatchObject({
        dayResetZone: null,
        effectiveDayResetZone: 'America/Los_Angeles',
      });
    });

    it('stores a zone alias as the IANA zone it names, and every spelling of UTC as UTC', async () => {
      const channel = await createChannel();
      for (const [sent, stored] of [
        ['US/Pacific', 'America/Los_Angeles'],
        ['asia/kolkata', 'Asia/Kolkata'],
        ['Asia/Calcutta', 'Asia/Kolkata'],
        ['Etc/UTC', 'UTC'],
        ['GMT', 'UTC'],
        ['Zulu', 'UTC'],
      ]) {
        const res = await admin.patch(`/api/channels/${channel.id}`, { dayResetZone: sent }).expect(200);
        expect([sent, res.body.dayResetZone]).toEqual([sent, stored]);
      }
      const created = await admin
        .post('/api/channels', validChannel({ dayResetZone: 'etc/gmt' }))
        .expect(201);
      expect(created.body.dayResetZone).toBe('UTC');
    });

    it('PATCH refuses null for a required field', async () => {
      const channel = await createChannel();
      const res = await admin.patch(`/api/channels/${channel.id}`, { name: null, models: null }).expect(400);
      expect((res.body.errors as { field: string }[]).map((e) => e.field).sort()).toEqual(['models', 'name']);
    });

    it('status auto_disabled cannot be set by hand', async () => {
      const channel = await createChannel();
      await admin.patch(`/api/channels/${channel.id}`, { status: 'auto_disabled' }).expect(400);
    });

    it('DELETE removes the channel, its keys and their Redis stats, and audits each', async () => {
      const channel = await createChannel();
      const keys = await admin
        .post(`/api/channels/${channel.id}/keys`, { keys: ['sk-delete-me-000001', 'sk-delete-me-000002'] })
        .expect(201);
      const keyIds = (keys.body.items as { id: string }[]).map((k) => k.id);
      const redis = api.app.get<Redis>(REDIS);
      await redis.hset(`${api.config.REDIS_PREFIX}:key:${keyIds[0]}`, { totalRequests: '5' });
      await admin.delete(`/api/channels/${channel.id}`).expect(204);
      await admin.get(`/api/channels/${channel.id}`).expect(404);
      expect(await db.getRepository(ChannelKey).count({ where: { channelId: channel.id } })).toBe(0);
      expect(await redis.exists(`${api.config.REDIS_PREFIX}:key:${keyIds[0]}`)).toBe(0);
      const audits = await db.getRepository(AuditLog).find({ where: { action: 'delete' } });
      expect(audits.map((a) => a.entityId)).toEqual(expect.arrayContaining([channel.id, ...keyIds]));
      await admin.delete(`/api/channels/${channel.id}`).expect(404);
    });

    it('create is audited', async () => {
      const channel = await createChannel();
      const audit = await db.getRepository(AuditLog).findOne({
        where: { entityType: 'channel', entityId: channel.id, action: 'create' },
      });
      expect(audit?.after).toMatchObject({ name: channel.name, baseUrl: 'https://api.openai.com/v1' });
    });
  });

  it('every channel route is in the OpenAPI document', async () => {
    const res = await api.http.get('/api/openapi.json').expect(200);
    const paths = res.body.paths as Record<string, Record<string, unknown>>;
    expect(Object.keys(paths['/api/channels'] ?? {})).toEqual(expect.arrayContaining(['get', 'post']));
    expect(Object.keys(paths['/api/channels/{id}'] ?? {})).toEqual(
      expect.arrayContaining(['get', 'patch', 'delete']),
    );
    expect(Object.keys(paths['/api/channels/{id}/test'] ?? {})).toEqual(['post']);
    expect(Object.keys(paths['/api/channels/presets'] ?? {})).toEqual(['get']);
    expect(Object.keys(paths['/api/channels/{id}/keys'] ?? {})).toEqual(
      expect.arrayContaining(['get', 'post']),
    );
    expect(Object.keys(paths['/api/channels/{id}/keys/{keyId}'] ?? {})).toEqual(
      expect.arrayContaining(['patch', 'delete']),
    );
    const schemas = res.body.components.schemas as Record<string, { properties?: Record<string, unknown> }>;
    expect(schemas['CreateChannelDto']?.properties).toHaveProperty('modelMapping');
    expect(schemas['CreateChannelKeysDto']?.properties).toHaveProperty('keys');
    expect(schemas['ChannelKeyView']?.properties).not.toHaveProperty('key');
  });
});
