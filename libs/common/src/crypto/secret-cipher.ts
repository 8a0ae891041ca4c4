// AES-256-GCM for secrets at rest (provider keys, payment and SMTP secrets). Stored form:
// base64(iv ‖ tag ‖ ciphertext) plus the keyring version. The additional authenticated data binds a
// ciphertext to where it is stored, so one copied elsewhere fails to open instead of lending its value.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Keyring } from './keyring';

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface SealedSecret {
  /** base64(iv ‖ tag ‖ ciphertext). */
  ciphertext: string;
  version: number;
}

export class SecretCipher {
  /** `undecryptable` makes the owning domain's error; given the version when this process lacks its key. */
  constructor(
    private readonly keyring: Keyring,
    private readonly undecryptable: (unknownVersion?: number) => Error,
  ) {}

  get currentVersion(): number {
    return this.keyring.currentVersion;
  }

  encrypt(plaintext: string, aad: string): SealedSecret {
    const version = this.keyring.currentVersion;
    const key = this.keyring.key(version) as Buffer;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return { ciphertext: Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64'), version };
  }

  /** Throws the domain's error for an unknown version, a wrong key, wrong AAD or tampering. */
  decrypt(sealed: SealedSecret, aad: string): string {
    const key = this.keyring.key(sealed.version);
    if (!key) {
      throw this.undecryptable(sealed.version);
    }
    const raw = Buffer.from(sealed.ciphertext, 'base64');
    if (raw.length <= IV_BYTES + TAG_BYTES) throw this.undecryptable();
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
      // GCM authentication failed: wrong key, wrong place, or altered bytes. Never return what came out.
      throw this.undecryptable();
    }
  }
}
