import { randomBytes } from 'node:crypto';
import { ChannelsError } from '../channels.errors';
import { channelKeyAad, KeyCipher } from './key-cipher';
import { keyringFromEnv } from '@gateway/common';

const V1 = randomBytes(32).toString('hex');
const V2 = randomBytes(32).toString('hex');
const AAD = channelKeyAad('11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222');
const SECRET = 'sk-proj-Super$ecret-Key_0123456789';

const cipherV1 = () => new KeyCipher(keyringFromEnv(V1, {}));

function flipByte(base64: string, index: number): string {
  const raw = Buffer.from(base64, 'base64');
  raw[index] = (raw[index] as number) ^ 0x01;
  return raw.toString('base64');
}

describe('KeyCipher', () => {
  it('round-trips a key', () => {
    const cipher = cipherV1();
    const sealed = cipher.encrypt(SECRET, AAD);
    expect(sealed.version).toBe(1);
    expect(cipher.decrypt(sealed, AAD)).toBe(SECRET);
  });

  it('uses a fresh IV each time, so the same key never gives the same ciphertext', () => {
    const cipher = cipherV1();
    const a = cipher.encrypt(SECRET, AAD);
    const b = cipher.encrypt(SECRET, AAD);
    expect(a.ciphertext).not.toBe(b.ciphertext);
    expect(Buffer.from(a.ciphertext, 'base64').subarray(0, 12)).not.toEqual(
      Buffer.from(b.ciphertext, 'base64').subarray(0, 12),
    );
  });

  it('never holds the plaintext (or its base64) in the stored string', () => {
    const sealed = cipherV1().encrypt(SECRET, AAD);
    expect(sealed.ciphertext).not.toContain(SECRET);
    expect(sealed.ciphertext).not.toContain(Buffer.from(SECRET).toString('base64').slice(0, 16));
    expect(Buffer.from(sealed.ciphertext, 'base64').toString('latin1')).not.toContain(SECRET);
    // iv (12) + tag (16) + one byte per character
    expect(Buffer.from(sealed.ciphertext, 'base64')).toHaveLength(12 + 16 + SECRET.length);
  });

  it.each([
    ['the IV', 0],
    ['the auth tag', 12],
    ['the ciphertext', 28],
    ['the last byte', 12 + 16 + SECRET.length - 1],
  ])('detects a flipped bit in %s', (_part, index) => {
    const cipher = cipherV1();
    const sealed = cipher.encrypt(SECRET, AAD);
    const tampered = { ...sealed, ciphertext: flipByte(sealed.ciphertext, index) };
    expect(() => cipher.decrypt(tampered, AAD)).toThrow(ChannelsError);
    expect(() => cipher.decrypt(tampered, AAD)).toThrow(
      expect.objectContaining({ code: 'key_undecryptable' }),
    );
  });

  it('refuses a truncated or empty ciphertext', () => {
    const cipher = cipherV1();
    expect(() => cipher.decrypt({ ciphertext: '', version: 1 }, AAD)).toThrow(ChannelsError);
    const sealed = cipher.encrypt(SECRET, AAD);
    const short = Buffer.from(sealed.ciphertext, 'base64').subarray(0, 20).toString('base64');
    expect(() => cipher.decrypt({ ciphertext: short, version: 1 }, AAD)).toThrow(ChannelsError);
  });

  it('refuses a ciphertext moved to another row (other AAD)', () => {
    const cipher = cipherV1();
    const sealed = cipher.encrypt(SECRET, AAD);
    const otherRow = channelKeyAad(
      '11111111-1111-4111-8111-111111111111',
      '33333333-3333-4333-8333-333333333333',
    );
    const otherChannel = channelKeyAad(
      '44444444-4444-4444-8444-444444444444',
      '22222222-2222-4222-8222-222222222222',
    );
    expect(() => cipher.decrypt(sealed, otherRow)).toThrow(ChannelsError);
    expect(() => cipher.decrypt(sealed, otherChannel)).toThrow(ChannelsError);
  });

  it('refuses to open with the wrong master key, never returning garbage', () => {
    const sealed = cipherV1().encrypt(SECRET, AAD);
    const wrong = new KeyCipher(keyringFromEnv(V2, {}));
    expect(() => wrong.decrypt(sealed, AAD)).toThrow(ChannelsError);
  });

  it('names an unknown key version without revealing anything', () => {
    const sealed = cipherV1().encrypt(SECRET, AAD);
    const v2Only = new KeyCipher(keyringFromEnv(V2, { ENCRYPTION_KEY_VERSION: '2' }));
    expect(() => v2Only.decrypt(sealed, AAD)).toThrow(/master key version 1/);
  });

  it('rotation: with v2 current and v1 previous, old rows still open and new ones use v2', () => {
    const old = cipherV1().encrypt(SECRET, AAD);
    const rotated = new KeyCipher(
      keyringFromEnv(V2, { ENCRYPTION_KEY_VERSION: '2', ENCRYPTION_KEYS_PREVIOUS: `1:${V1}` }),
    );
    expect(rotated.decrypt(old, AAD)).toBe(SECRET);
    const fresh = rotated.encrypt(SECRET, AAD);
    expect(fresh.version).toBe(2);
    expect(rotated.decrypt(fresh, AAD)).toBe(SECRET);
    // v1 alone cannot read what v2 wrote
    expect(() => cipherV1().decrypt({ ...fresh, version: 1 }, AAD)).toThrow(ChannelsError);
  });

  it('round-trips keys of every printable ASCII character and the longest allowed length', () => {
    const cipher = cipherV1();
    const printable = Array.from({ length: 94 }, (_, i) => String.fromCharCode(33 + i)).join('');
    const longest = printable.repeat(11).slice(0, 1024);
    expect(cipher.decrypt(cipher.encrypt(printable, AAD), AAD)).toBe(printable);
    expect(cipher.decrypt(cipher.encrypt(longest, AAD), AAD)).toBe(longest);
  });
});
