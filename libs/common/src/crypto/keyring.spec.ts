import { randomBytes } from 'node:crypto';
import { ConfigError } from '@gateway/config';
import { keyringFromEnv } from './keyring';

const K1 = randomBytes(32).toString('hex');
const K2 = randomBytes(32).toString('hex');
const K3 = randomBytes(32).toString('hex');

describe('keyringFromEnv', () => {
  it('defaults to version 1 with no previous keys', () => {
    const ring = keyringFromEnv(K1, {});
    expect(ring.currentVersion).toBe(1);
    expect(ring.versions()).toEqual([1]);
    expect(ring.key(1)?.toString('hex')).toBe(K1);
  });

  it('reads ENCRYPTION_KEY_VERSION and ENCRYPTION_KEYS_PREVIOUS', () => {
    const ring = keyringFromEnv(K3, {
      ENCRYPTION_KEY_VERSION: '3',
      ENCRYPTION_KEYS_PREVIOUS: ` 1:${K1} , 2:${K2.toUpperCase()} `,
    });
    expect(ring.currentVersion).toBe(3);
    expect(ring.versions()).toEqual([1, 2, 3]);
    expect(ring.key(2)?.toString('hex')).toBe(K2);
    expect(ring.key(4)).toBeUndefined();
  });

  it.each([
    [{ ENCRYPTION_KEY_VERSION: 'two' }, 'ENCRYPTION_KEY_VERSION'],
    [{ ENCRYPTION_KEY_VERSION: '0' }, 'ENCRYPTION_KEY_VERSION'],
    [{ ENCRYPTION_KEY_VERSION: '40000' }, 'ENCRYPTION_KEY_VERSION'],
    [{ ENCRYPTION_KEYS_PREVIOUS: K1 }, 'ENCRYPTION_KEYS_PREVIOUS'],
    [{ ENCRYPTION_KEYS_PREVIOUS: '2:abcd' }, 'ENCRYPTION_KEYS_PREVIOUS'],
    [{ ENCRYPTION_KEYS_PREVIOUS: `x:${K1}` }, 'ENCRYPTION_KEYS_PREVIOUS'],
    [{ ENCRYPTION_KEYS_PREVIOUS: `1:${K2}` }, 'ENCRYPTION_KEYS_PREVIOUS'], // clashes with the current version 1
    [
      { ENCRYPTION_KEY_VERSION: '3', ENCRYPTION_KEYS_PREVIOUS: `2:${K1},2:${K2}` },
      'ENCRYPTION_KEYS_PREVIOUS',
    ],
  ])('refuses %j with a one-line error naming %s and no key material', (env, variable) => {
    let error: unknown;
    try {
      keyringFromEnv(K3, env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain(variable);
    expect(message).not.toContain('\n');
    for (const key of [K1, K2, K3])
      expect(message.toLowerCase()).not.toContain(key.slice(0, 16).toLowerCase());
  });

  it('refuses a malformed ENCRYPTION_KEY', () => {
    expect(() => keyringFromEnv('abc', {})).toThrow(/ENCRYPTION_KEY/);
  });
});
