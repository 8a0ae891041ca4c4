// AES-256-GCM for provider keys. Stored form: base64(iv ‖ tag ‖ ciphertext) plus the keyring version.
// The additional authenticated data binds a ciphertext to its row, so a ciphertext copied onto
// another row (or another channel) fails to open instead of lending that row a key.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { ChannelsError, ChannelsErrorCode } from '../channels.errors';
import type { Keyring } from './keyring';

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface SealedKey {
  /** base64(iv ‖ tag ‖ ciphertext). */
  ciphertext: string;
  version: number;
}

/** What a provider key's ciphertext is bound to: its channel and its own row. */
export function channelKeyAad(channelId: string, keyId: string): string {
  return `gateway:channel-key:v1:${channelId}:${keyId}`;
}

export class KeyCipher {
  constructor(private readonly keyring: Keyring) {}

  get currentVersion(): number {
    return this.keyring.currentVersion;
  }

  encrypt(plaintext: string, aad: string): SealedKey {
    const version = this.keyring.currentVersion;
    const key = this.keyring.key(version) as Buffer;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return { ciphertext: Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64'), version };
  }

  /** Throws ChannelsError(key_undecryptable) for an unknown version, a wrong key, wrong AAD or tampering. */
  decrypt(sealed: SealedKey, aad: string): string {
    const key = this.keyring.key(sealed.version);
    if (!key) {
      throw new ChannelsError(
        ChannelsErrorCode.KeyUndecryptable,
        `a stored provider key uses master key version ${sealed.version}, which is neither ENCRYPTION_KEY_VERSION nor in ENCRYPTION_KEYS_PREVIOUS`,
      );
    }
    const raw = Buffer.from(sealed.ciphertext, 'base64');
    if (raw.length <= IV_BYTES + TAG_BYTES) throw new ChannelsError(ChannelsErrorCode.KeyUndecryptable);
    try {
      const decipher = createDecipheriv(ALGORITHM, key, raw.subarray(0, IV_BYTES), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(Buffer.from(aad, 'utf8'));
      decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      // GCM authentication failed: wrong key, wrong row, or altered bytes. Never return what came out.
      throw new ChannelsError(ChannelsErrorCode.KeyUndecryptable);
    }
  }
}
