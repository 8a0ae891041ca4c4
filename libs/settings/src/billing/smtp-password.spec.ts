import { randomBytes } from 'node:crypto';
import { createKeyring, SecretCipher } from '@gateway/common';
import { SettingsError, SettingsErrorCode } from '../settings.errors';
import {
  openSmtpPassword,
  sealedSmtpPassword,
  sealSmtpPassword,
  settingsCipher,
  smtpPasswordNeedsSealing,
} from './smtp-password';

describe('the SMTP password at rest', () => {
  const oldKey = randomBytes(32);
  const newKey = randomBytes(32);
  const undecryptable = () => new SettingsError(SettingsErrorCode.SecretUndecryptable);
  const before = new SecretCipher(createKeyring(1, new Map([[1, oldKey]])), undecryptable);
  const after = new SecretCipher(
    createKeyring(
      2,
      new Map([
        [1, oldKey],
        [2, newKey],
      ]),
    ),
    undecryptable,
  );

  it('seals a password so that it opens again, and never holds it in the clear', () => {
    const cipher = settingsCipher({ ENCRYPTION_KEY: randomBytes(32).toString('hex') });
    const sealed = sealSmtpPassword(cipher, 'hunter2-smtp');
    expect(JSON.stringify(sealed)).not.toContain('hunter2-smtp');
    expect(openSmtpPassword(cipher, sealed)).toBe('hunter2-smtp');
    expect(smtpPasswordNeedsSealing(cipher, sealed)).toBe(false);
    // The same sealed value is kept, so an unchanged password is no settings change.
    expect(sealedSmtpPassword(cipher, sealed)).toBe(sealed);
  });

  it('reads a plain password stored before sealing, and seals it on the next write', () => {
    expect(openSmtpPassword(after, 'legacy')).toBe('legacy');
    expect(smtpPasswordNeedsSealing(after, 'legacy')).toBe(true);
    const sealed = sealedSmtpPassword(after, 'legacy');
    expect(sealed).toMatchObject({ version: 2 });
    expect(openSmtpPassword(after, sealed)).toBe('legacy');
    expect(sealedSmtpPassword(after, null)).toBeNull();
  });

  it('re-seals one sealed under a master key since rotated', () => {
    const old = sealSmtpPassword(before, 'rotated');
    expect(old.version).toBe(1);
    expect(smtpPasswordNeedsSealing(after, old)).toBe(true);
    const current = sealedSmtpPassword(after, old);
    expect(current).toMatchObject({ version: 2 });
    expect(openSmtpPassword(after, current)).toBe('rotated');
  });

  it('refuses a tampered value or one bound elsewhere with the settings error', () => {
    const cipher = settingsCipher({ ENCRYPTION_KEY: randomBytes(32).toString('hex') });
    const sealed = sealSmtpPassword(cipher, 'secret');
    const other = cipher.encrypt('secret', 'gateway:channel-key:v1:a:b');
    expect(() => openSmtpPassword(cipher, other)).toThrow(SettingsError);
    const bytes = Buffer.from(sealed.ciphertext, 'base64');
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 1;
    expect(() => openSmtpPassword(cipher, { ...sealed, ciphertext: bytes.toString('base64') })).toThrow(
      SettingsError,
    );
    expect(() => openSmtpPassword(cipher, { ...sealed, version: 9 })).toThrow(/master key version 9/);
  });
});
