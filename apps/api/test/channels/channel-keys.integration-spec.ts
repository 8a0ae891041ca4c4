// Provider keys over real HTTP, Postgres and Redis: write-only secrets, masks, encryption at rest,
// bulk adds that are all or nothing, live stats from Redis, audit rows without secrets.
import { AuditLog } from '@gateway/audit';
import { ChannelKey, ChannelKeysService, channelKeyAad, KeyCipher } from '@gateway/channels';
import { Role } from '@gateway/identity';
import { REDIS } from '@gateway/redis';
import type Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { ApiHarness, startApi } from '../api-harness';
import { Session, sessionAs } from '../fixtures';

const SECRET = 'sk-proj-THIS-is-the-real-secret-9876wxyz';

describe('channel keys', () => {
  let api: ApiHarness;
  let admin: Session;
  let db: DataSource;
  let channelCount = 0;

  beforeAll(async () => {
    api = await startApi('channel-keys');
    db = api.app.get(DataSource);
    admin = await sessionAs(api, Role.SuperAdmin, null);
  });
  afterAll(async () => {
    await api.close();
  });

  async function newChannel(): Promise<string> {
    channelCount += 1;
    const res = await admin
      .post('/api/channels', {
        name: `keys-${channelCount}-${Date.now()}`,
        type: 'openai',
        baseUrl: 'https://api.openai.com/v1',
        models: ['gpt-4o'],
      })
      .expect(201);
    return res.body.id as string;
  }

  const keyRows = (channelId: string) => db.getRepository(ChannelKey).find({ where: { channelId } });
  /** What a key's stored ciphertext opens to, the way the relay's routing table opens it. */
  const plaintextOf = async (keyId: string) =>
    api.app
      .get(ChannelKeysService)
      .decrypt(await db.getRepository(ChannelKey).findOneByOrFail({ id: keyId }));

  describe('the key is write-only', () => {
    it('POST answers with a mask only; every later read too; the column is ciphertext that opens to the key', async () => {
      const channelId = await newChannel();
      const created = await admin
        .post(`/api/channels/${channelId}/keys`, {
          key: SECRET,
          label: 'main',
          priority: 7,
          rpm: 60,
          tpd: 5_000_000_000,
        })
        .expect(201);
      expect(created.body).toMatchObject({
        channelId,
        label: 'main',
        maskedKey: 'sk-…wxyz',
        priority: 7,
        weight: 1,
        rpm: 60,
        tpm: null,
        rpd: null,
        tpd: 5_000_000_000,
        status: 'enabled',
        health: 'unknown',
        lastCheckedAt: null,
        cooldownUntil: null,
        last429At: null,
        totalRequests: 0,
        totalTokens: 0,
      });
      for (const field of ['key', 'keyCiphertext', 'keyFingerprint', 'keyHint'])
        expect(created.body).not.toHaveProperty(field);
      expect(JSON.stringify(created.body)).not.toContain('THIS-is-the-real-secret');

      const reads = [
        await admin.get(`/api/channels/${channelId}/keys`).expect(200),
        await admin.get(`/api/channels/${channelId}`).expect(200),
        await admin
          .patch(`/api/channels/${channelId}/keys/${created.body.id}`, { label: 'renamed' })
          .expect(200),
      ];
      for (const read of reads) expect(JSON.stringify(read.body)).not.toContain('THIS-is-the-real-secret');
      expect(reads[0]?.body.items[0]).toMatchObject({ id: created.body.id, maskedKey: 'sk-…wxyz' });

      const [row] = await keyRows(channelId);
      expect(row).toBeDefined();
      expect(row!.keyCiphertext).not.toContain(SECRET);
      expect(Buffer.from(row!.keyCiphertext, 'base64').toString('latin1')).not.toContain(
        'THIS-is-the-real-secret',
      );
      expect(row!.keyVersion).toBe(1);
      expect(row!.keyFingerprint).toMatch(/^[0-9a-f]{64}$/);
      const cipher = api.app.get(KeyCipher);
      expect(
        cipher.decrypt(
          { ciphertext: row!.keyCiphertext, version: row!.keyVersion },
          channelKeyAad(channelId, row!.id),
        ),
      ).toBe(SECRET);
      expect(await plaintextOf(row!.id)).toBe(SECRET);
    });

    it('audit rows never hold the key, its ciphertext or its fingerprint', async () => {
      const channelId = await newChannel();
      const created = await admin.post(`/api/channels/${channelId}/keys`, { key: SECRET }).expect(201);
      await admin
        .patch(`/api/channels/${channelId}/keys/${created.body.id}`, { key: `${SECRET}-v2` })
        .expect(200);
      await admin.delete(`/api/channels/${channelId}/keys/${created.body.id}`).expect(204);
      const audits = await db
        .getRepository(AuditLog)
        .find({ where: { entityType: 'channel_key', entityId: created.body.id } });
      expect(audits.map((a) => a.action).sort()).toEqual(['create', 'delete', 'update']);
      const text = JSON.stringify(audits);
      expect(text).not.toContain('THIS-is-the-real-secret');
      expect(text).not.toMatch(/[0-9a-f]{64}/);
      expect(audits.find((a) => a.action === 'update')?.after).toMatchObject({ maskedKey: 'sk-…z-v2' });
    });

    it('a validation error about a key never echoes it', async () => {
      const channelId = await newChannel();
      const bad = 'sk-has a space-secretvalue';
      const res = await admin.post(`/api/channels/${channelId}/keys`, { key: bad }).expect(400);
      expect(res.body.code).toBe('validation_failed');
      expect((res.body.errors as { field: string }[]).map((e) => e.field)).toContain('key');
      expect(JSON.stringify(res.body)).not.toContain('secretvalue');
    });

    it.each([
      ['too short', { key: 'sk-1234' }, 'key'],
      ['non-ASCII', { key: 'sk-ключ-1234567' }, 'key'],
      ['longer than 1024', { key: `sk-${'a'.repeat(1022)}` }, 'key'],
      ['neither key nor keys', { label: 'x' }, 'key'],
      ['both key and keys', { key: 'sk-0123456789', keys: ['sk-9876543210'] }, 'key'],
      ['an empty batch', { keys: [] }, 'keys'],
      ['more than 500 keys', { keys: Array.from({ length: 501 }, (_, i) => `sk-batch-${i}-0000`) }, 'keys'],
      ['a bad limit', { key: 'sk-0123456789', rpm: 0, weight: 1001, status: 'auto_disabled' }, 'rpm'],
    ])('refuses %s', async (_label, body, field) => {
      const channelId = await newChannel();
      const res = await admin.post(`/api/channels/${channelId}/keys`, body).expect(400);
      expect((res.body.errors as { field: string }[]).map((e) => e.field)).toContain(field);
      expect(await keyRows(channelId)).toHaveLength(0);
    });

    it('names the positions of malformed keys in a batch', async () => {
      const channelId = await newChannel();
      const res = await admin
        .post(`/api/channels/${channelId}/keys`, {
          keys: ['sk-good-key-000001', 'bad key here', 'sk-good-key-000002', 'short'],
        })
        .expect(400);
      expect(res.body.message).toContain('keys[1]');
      expect(res.body.message).toContain('keys[3]');
      expect(res.body.message).not.toContain('keys[0]');
      expect(JSON.stringify(res.body)).not.toContain('bad key here');
      expect(await keyRows(channelId)).toHaveLength(0);
    });
  });

  describe('bulk add', () => {
    it('adds many keys at once with the shared fields', async () => {
      const channelId = await newChannel();
      const keys = Array.from({ length: 25 }, (_, i) => `sk-bulk-${String(i).padStart(4, '0')}-abcdefgh`);
      const res = await admin
        .post(`/api/channels/${channelId}/keys`, { keys, priority: 3, tpm: 1000, label: 'batch' })
        .expect(201);
      expect(res.body.total).toBe(25);
      expect(res.body.items).toHaveLength(25);
      expect(res.body.items[0]).toMatchObject({
        maskedKey: 'sk-…efgh',
        priority: 3,
        tpm: 1000,
        label: 'batch',
      });
      expect(JSON.stringify(res.body)).not.toContain('sk-bulk-');
      const rows = await keyRows(channelId);
      expect(rows).toHaveLength(25);
      const plain = await Promise.all(rows.map((row) => plaintextOf(row.id)));
      expect(plain.sort()).toEqual([...keys].sort());
    });

    it('a duplicate inside the batch: 409 naming both positions, nothing inserted', async () => {
      const channelId = await newChannel();
      const res = await admin
        .post(`/api/channels/${channelId}/keys`, {
          keys: ['sk-dup-aaaaaaaa', 'sk-dup-bbbbbbbb', 'sk-dup-aaaaaaaa'],
        })
        .expect(409);
      expect(res.body.code).toBe('duplicate_key');
      expect(res.body.message).toContain('keys[2] is the same key as keys[0]');
      expect(res.body.message).not.toContain('sk-dup');
      expect(await keyRows(channelId)).toHaveLength(0);
    });

    it('a key already in the channel: 409 naming its position, nothing inserted; another channel may hold it', async () => {
      const channelId = await newChannel();
      await admin.post(`/api/channels/${channelId}/keys`, { key: 'sk-existing-1234567' }).expect(201);
      const res = await admin
        .post(`/api/channels/${channelId}/keys`, { keys: ['sk-fresh-12345678', 'sk-existing-1234567'] })
        .expect(409);
      expect(res.body.message).toContain('keys[1] is already in this channel');
      expect(res.body.message).not.toContain('sk-existing');
      expect(await keyRows(channelId)).toHaveLength(1);

      const single = await admin
        .post(`/api/channels/${channelId}/keys`, { key: 'sk-existing-1234567' })
        .expect(409);
      expect(single.body.message).toContain('key is already in this channel');

      const other = await newChannel();
      await admin.post(`/api/channels/${other}/keys`, { key: 'sk-existing-1234567' }).expect(201);
    });
  });

  describe('reads with live stats', () => {
    it('shows cooldownUntil, last429At, totalRequests and totalTokens from the Redis hash', async () => {
      const channelId = await newChannel();
      const created = await admin
        .post(`/api/channels/${channelId}/keys`, { key: 'sk-stats-12345678' })
        .expect(201);
      const redis = api.app.get<Redis>(REDIS);
      const cooldown = Date.now() + 60_000;
      await redis.hset(`${api.config.REDIS_PREFIX}:key:${created.body.id}`, {
        cooldownUntil: String(cooldown),
        last429At: '2030-01-02T03:04:05.000Z',
        totalRequests: '12',
        totalTokens: '3456',
      });
      const res = await admin.get(`/api/channels/${channelId}/keys`).expect(200);
      expect(res.body.items[0]).toMatchObject({
        cooldownUntil: new Date(cooldown).toISOString(),
        last429At: '2030-01-02T03:04:05.000Z',
        totalRequests: 12,
        totalTokens: 3456,
      });
    });

    it('filters and pages, highest priority first', async () => {
      const channelId = await newChannel();
      await admin
        .post(`/api/channels/${channelId}/keys`, { key: 'sk-low-0000000001', priority: -5 })
        .expect(201);
      await admin
        .post(`/api/channels/${channelId}/keys`, { key: 'sk-high-000000001', priority: 50 })
        .expect(201);
      await admin
        .post(`/api/channels/${channelId}/keys`, { key: 'sk-off-0000000001', status: 'disabled' })
        .expect(201);
      const all = await admin.get(`/api/channels/${channelId}/keys`).expect(200);
      expect(all.body.total).toBe(3);
      expect((all.body.items as { maskedKey: string }[]).map((k) => k.maskedKey)).toEqual([
        'sk-…0001',
        'sk-…0001',
        'sk-…0001',
      ]);
      expect(all.body.items[0].priority).toBe(50);
      const disabled = await admin.get(`/api/channels/${channelId}/keys?status=disabled`).expect(200);
      expect(disabled.body.total).toBe(1);
      const page = await admin.get(`/api/channels/${channelId}/keys?pageSize=1&page=2`).expect(200);
      expect(page.body.items).toHaveLength(1);
      expect(page.body.total).toBe(3);
    });
  });

  describe('update and delete', () => {
    it('PATCH replaces the key (re-encrypted, health reset) and clears limits with null', async () => {
      const channelId = await newChannel();
      const created = await admin
        .post(`/api/channels/${channelId}/keys`, { key: 'sk-first-key-aaaa1111', rpm: 10, tpd: 99 })
        .expect(201);
      const keyId = created.body.id as string;
      await db
        .getRepository(ChannelKey)
        .update({ id: keyId }, { health: 'invalid', lastCheckedAt: new Date() });
      const before = await db.getRepository(ChannelKey).findOneByOrFail({ id: keyId });

      const res = await admin
        .patch(`/api/channels/${channelId}/keys/${keyId}`, {
          key: 'sk-second-key-bbbb2222',
          rpm: null,
          tpd: null,
          weight: 9,
        })
        .expect(200);
      expect(res.body).toMatchObject({
        maskedKey: 'sk-…2222',
        rpm: null,
        tpd: null,
        weight: 9,
        health: 'unknown',
        lastCheckedAt: null,
      });
      const after = await db.getRepository(ChannelKey).findOneByOrFail({ id: keyId });
      expect(after.keyCiphertext).not.toBe(before.keyCiphertext);
      expect(after.keyFingerprint).not.toBe(before.keyFingerprint);
      expect(await plaintextOf(keyId)).toBe('sk-second-key-bbbb2222');
    });

    it('PATCH sets, replaces and removes a key’s per-model limits (audited); bad ones are 400s that change nothing', async () => {
      const channelId = await newChannel();
      const created = await admin
        .post(`/api/channels/${channelId}/keys`, {
          key: 'sk-model-limits-cccc3333',
          modelLimits: { 'gpt-4o': { rpm: 3 } },
        })
        .expect(201);
      const keyId = created.body.id as string;
      const url = `/api/channels/${channelId}/keys/${keyId}`;
      const limits = {
        'gpt-4o': { rpm: 30, tpm: 12_000, rpd: 1_000, tpd: 100_000 },
        'llama-3.1-8b-instant:free': { rpd: 14_400 },
      };
      const res = await admin.patch(url, { modelLimits: limits }).expect(200);
      expect(res.body.modelLimits).toEqual(limits);
      expect((await db.getRepository(ChannelKey).findOneByOrFail({ id: keyId })).modelLimits).toEqual(limits);
      const audit = await db.getRepository(AuditLog).findOneOrFail({
        where: { entityId: keyId, action: 'update' },
        order: { createdAt: 'DESC' },
      });
      expect(audit.before).toMatchObject({ modelLimits: { 'gpt-4o': { rpm: 3 } } });
      expect(audit.after).toMatchObject({ modelLimits: limits });

      for (const [bad, message] of [
        [{ 'gpt-4o': { rpm: 0 } }, 'modelLimits.gpt-4o.rpm must be an integer'],
        [{ 'gpt-4o': { rpm: 1.5 } }, 'modelLimits.gpt-4o.rpm must be an integer'],
        [{ 'gpt-4o': { rps: 5 } }, 'modelLimits.gpt-4o.rps is not a limit'],
        [{ 'two words': { rpm: 5 } }, 'modelLimits keys must be model names'],
        [['gpt-4o'], 'modelLimits must be an object'],
      ] as const) {
        const refused = await admin.patch(url, { modelLimits: bad }).expect(400);
        const errors = refused.body.errors as { field: string; message: string }[];
        expect(errors.map((e) => e.field)).toContain('modelLimits');
        expect(JSON.stringify(errors)).toContain(message);
      }
      expect((await db.getRepository(ChannelKey).findOneByOrFail({ id: keyId })).modelLimits).toEqual(limits);

      await admin.patch(url, { modelLimits: {} }).expect(200);
      const listed = await admin.get(`/api/channels/${channelId}/keys`).expect(200);
      expect(listed.body.items[0].modelLimits).toEqual({});
    });

    it('PATCH to a key the channel already has is 409', async () => {
      const channelId = await newChannel();
      await admin.post(`/api/channels/${channelId}/keys`, { key: 'sk-one-aaaaaaaaaa' }).expect(201);
      const two = await admin
        .post(`/api/channels/${channelId}/keys`, { key: 'sk-two-bbbbbbbbbb' })
        .expect(201);
      const res = await admin
        .patch(`/api/channels/${channelId}/keys/${two.body.id}`, { key: 'sk-one-aaaaaaaaaa' })
        .expect(409);
      expect(JSON.stringify(res.body)).not.toContain('sk-one');
    });

    it('a key is reachable only under its own channel; non-UUID ids are 404', async () => {
      const a = await newChannel();
      const b = await newChannel();
      const key = await admin.post(`/api/channels/${b}/keys`, { key: 'sk-owned-by-b-1234' }).expect(201);
      await admin.patch(`/api/channels/${a}/keys/${key.body.id}`, { label: 'x' }).expect(404);
      await admin.delete(`/api/channels/${a}/keys/${key.body.id}`).expect(404);
      await admin.patch(`/api/channels/${a}/keys/not-a-uuid`, { label: 'x' }).expect(404);
      await admin.delete(`/api/channels/${a}/keys/42`).expect(404);
      await admin.delete(`/api/channels/${b}/keys/${key.body.id}`).expect(204);
      await admin.delete(`/api/channels/${b}/keys/${key.body.id}`).expect(404);
      expect(await keyRows(b)).toHaveLength(0);
    });

    it('a ciphertext copied onto another row does not open (AAD binds it to its row)', async () => {
      const a = await newChannel();
      const b = await newChannel();
      const ka = await admin.post(`/api/channels/${a}/keys`, { key: 'sk-victim-aaaaaaaa' }).expect(201);
      const kb = await admin.post(`/api/channels/${b}/keys`, { key: 'sk-attacker-bbbbbbb' }).expect(201);
      const victim = await db.getRepository(ChannelKey).findOneByOrFail({ id: ka.body.id });
      await db.getRepository(ChannelKey).update({ id: kb.body.id }, { keyCiphertext: victim.keyCiphertext });
      await expect(plaintextOf(kb.body.id)).rejects.toMatchObject({
        code: 'key_undecryptable',
      });
      const res = await admin.post(`/api/channels/${b}/test`, {}).expect(500);
      expect(res.body.code).toBe('key_undecryptable');
      expect(JSON.stringify(res.body)).not.toContain('victim');
    });
  });
});
