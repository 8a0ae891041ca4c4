// The master keys that encrypt secrets at rest (provider keys, payment and SMTP secrets): the current
// one (ENCRYPTION_KEY, version ENCRYPTION_KEY_VERSION) and the previous ones still needed to read
// rows written before a rotation.
import { ConfigError } from '@gateway/config';

/** key_version is a smallint column. */
const MAX_VERSION = 32_767;
const HEX_KEY = /^[0-9a-fA-F]{64}$/;

export interface Keyring {
  /** Version that new encryptions use. */
  readonly currentVersion: number;
  /** The 32-byte key of a version, undefined when this process does not hold it. */
  key(version: number): Buffer | undefined;
  versions(): number[];
}

export function createKeyring(currentVersion: number, keys: ReadonlyMap<number, Buffer>): Keyring {
  if (!keys.has(currentVersion))
    throw new Error(`keyring has no key for its current version ${currentVersion}`);
  const copy = new Map(keys);
  return {
    currentVersion,
    key: (version) => copy.get(version),
    versions: () => [...copy.keys()].sort((a, b) => a - b),
  };
}

function parseVersion(variable: string, raw: string): number {
  if (!/^\d{1,5}$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_VERSION) {
    throw new ConfigError(
      variable,
      `must use key versions from 1 to ${MAX_VERSION} (got "${raw.slice(0, 8)}")`,
    );
  }
  return Number(raw);
}

/**
 * Builds the keyring from the validated ENCRYPTION_KEY plus two variables the config lib does not
 * know: ENCRYPTION_KEY_VERSION (default 1) and ENCRYPTION_KEYS_PREVIOUS (`version:hex,version:hex`).
 * A bad value throws a one-line ConfigError naming the variable, never echoing key material.
 */
export function keyringFromEnv(encryptionKeyHex: string, env: NodeJS.ProcessEnv = process.env): Keyring {
  if (!HEX_KEY.test(encryptionKeyHex)) {
    throw new ConfigError('ENCRYPTION_KEY', 'must be 64 hexadecimal characters (32 bytes)');
  }
  const rawVersion = env['ENCRYPTION_KEY_VERSION']?.trim();
  const currentVersion = rawVersion ? parseVersion('ENCRYPTION_KEY_VERSION', rawVersion) : 1;
  const keys = new Map<number, Buffer>([[currentVersion, Buffer.from(encryptionKeyHex, 'hex')]]);

  const previous = env['ENCRYPTION_KEYS_PREVIOUS']?.trim() ?? '';
  const entries = previous === '' ? [] : previous.split(',').map((entry) => entry.trim());
  entries.forEach((entry, index) => {
    const colon = entry.indexOf(':');
    if (colon < 0 || !HEX_KEY.test(entry.slice(colon + 1))) {
      throw new ConfigError(
        'ENCRYPTION_KEYS_PREVIOUS',
        `entry ${index + 1} must be version:hex with 64 hexadecimal characters (format: "1:<hex>,2:<hex>")`,
      );
    }
    const version = parseVersion('ENCRYPTION_KEYS_PREVIOUS', entry.slice(0, colon));
    if (keys.has(version)) {
      const clash = version === currentVersion ? ' (that is ENCRYPTION_KEY_VERSION)' : '';
      throw new ConfigError('ENCRYPTION_KEYS_PREVIOUS', `lists key version ${version} twice${clash}`);
    }
    keys.set(version, Buffer.from(entry.slice(colon + 1), 'hex'));
  });
  return createKeyring(currentVersion, keys);
}
