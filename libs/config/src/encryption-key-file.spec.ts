import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from './app-config';
import { readOrCreateEncryptionKey } from './encryption-key-file';

const freshDir = () => join(mkdtempSync(join(tmpdir(), 'gw-key-')), 'data');

describe('readOrCreateEncryptionKey', () => {
  it('creates a 32-byte hex key once, readable only by its owner, and reuses it', () => {
    const dir = freshDir();
    const first = readOrCreateEncryptionKey(dir);
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(statSync(join(dir, 'encryption.key')).mode & 0o777).toBe(0o600);
    expect(readOrCreateEncryptionKey(dir)).toBe(first);
  });

  it('gives every later caller (another process, a restart) the key the first one made', () => {
    const dir = freshDir();
    const keys = Array.from({ length: 5 }, () => readOrCreateEncryptionKey(dir));
    expect(new Set(keys).size).toBe(1);
    expect(readFileSync(join(dir, 'encryption.key'), 'utf8').trim()).toBe(keys[0]);
  });

  it('refuses a corrupted key file instead of silently replacing it', () => {
    const dir = freshDir();
    readOrCreateEncryptionKey(dir);
    writeFileSync(join(dir, 'encryption.key'), 'garbage');
    expect(() => readOrCreateEncryptionKey(dir)).toThrow(ConfigError);
  });
});
