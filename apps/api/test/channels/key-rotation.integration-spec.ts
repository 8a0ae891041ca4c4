// Master-key rotation with the real api: ENCRYPTION_KEY is now version 2 and the old key is listed
// in ENCRYPTION_KEYS_PREVIOUS; keys written under version 1 still work and can be moved to version 2.
import { randomBytes } from 'node:crypto';
import { ChannelKey, ChannelKeysService, channelKeyAad, KeyCipher, keyringFromEnv } from '@gateway/channels';
import { Role } from '@gateway/identity';
import { MockUpstream, startMockUpstream } from '@gateway/mock-upstream';
import { DataSource } from 'typeorm';
import { ApiHarness, startApi } from '../api-harness';
import { sessionAs } from '../fixtures';

const OLD_KEY = randomBytes(32).toString('hex');
const ROTATION_ENV = ['ENCRYPTION_KEY_VERSION', 'ENCRYPTION_KEYS_PREVIOUS'] as const;

describe('master key rotation', () => {
  let api: ApiHarness;
  let mock: MockUpstream;
  const saved: Record<string, string | undefined> = {};

  beforeAll(async () => {
    // The keyring reads these two from process.env (the config lib does not know them).
    for (const name of ROTATION_ENV) saved[name] = process.env[name];
    process.env['ENCRYPTION_KEY_VERSION'] = '2';
    process.env['ENCRYPTION_KEYS_PREVIOUS'] = `1:${OLD_KEY}`;
    [api, mock] = await Promise.all([startApi('key-rotation'), startMockUpstream()]);
  });
  afterAll(async () => {
    for (const name of ROTATION_ENV) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
    await mock.close();
    await api.close();
  });

  it('old rows keep working, new ones use version 2, and re-encryption moves the old ones', async () => {
    const admin = await sessionAs(api, Role.SuperAdmin, null);
    const channel = await admin
      .post('/api/channels', {
        name: 'rotation',
        type: 'openai',
        baseUrl: mock.baseUrl,
        models: ['mock-gpt'],
      })
      .expect(201);
    const created = await admin
      .post(`/api/channels/${channel.body.id}/keys`, { keys: ['sk-mock-old-one', 'sk-mock-new-one'] })
      .expect(201);
    const [oldId, newId] = (created.body.items as { id: string; keyVersion: number }[]).map((k) => k.id);
    expect((created.body.items as { keyVersion: number }[]).map((k) => k.keyVersion)).toEqual([2, 2]);

    // Make the first key look as if it had been written before the rotation, under version 1.
    const v1 = new KeyCipher(keyringFromEnv(OLD_KEY, {}));
    const sealed = v1.encrypt('sk-mock-old-one', channelKeyAad(channel.body.id, oldId!));
    const repo = api.app.get(DataSource).getRepository(ChannelKey);
    await repo.update({ id: oldId! }, { keyCiphertext: sealed.ciphertext, keyVersion: 1 });

    const keys = api.app.get(ChannelKeysService);
    /** What a key's stored ciphertext opens to, the way the relay's routing table opens it. */
    const plaintextOf = async (keyId: string) => keys.decrypt(await repo.findOneByOrFail({ id: keyId }));
    expect(await plaintextOf(oldId!)).toBe('sk-mock-old-one');
    const test = await admin.post(`/api/channels/${channel.body.id}/test`, { keyId: oldId }).expect(200);
    expect(test.body).toMatchObject({ ok: true });
    await mock.settled();
    expect(mock.requests.at(-1)?.apiKey).toBe('sk-mock-old-one');

    expect(await api.app.get(ChannelKeysService).reencryptToCurrentVersion()).toBe(1);
    const moved = await repo.findOneByOrFail({ id: oldId! });
    expect(moved.keyVersion).toBe(2);
    expect(moved.keyCiphertext).not.toBe(sealed.ciphertext);
    expect(await plaintextOf(oldId!)).toBe('sk-mock-old-one');
    expect(await plaintextOf(newId!)).toBe('sk-mock-new-one');
    // version 1 alone can no longer open it
    expect(() =>
      v1.decrypt({ ciphertext: moved.keyCiphertext, version: 1 }, channelKeyAad(channel.body.id, oldId!)),
    ).toThrow();
    expect(await api.app.get(ChannelKeysService).reencryptToCurrentVersion()).toBe(0);
  });
});
