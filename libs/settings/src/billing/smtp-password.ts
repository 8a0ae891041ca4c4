// The SMTP password at rest: AES-256-GCM under the ENCRYPTION_KEY keyring, like provider keys, bound
// to its one place in the settings. Plain values stored before sealing still open, and are sealed
// when the settings are next changed.
import type { AppConfig } from '@gateway/config';
import { keyringFromEnv, type SealedSecret, SecretCipher } from '@gateway/common';
import { SettingsError, SettingsErrorCode } from '../settings.errors';
import type { SmtpSettings } from './billing-settings';

const SMTP_PASSWORD_AAD = 'gateway:settings:smtp-password:v1';

/** The process's cipher for settings secrets. */
export function settingsCipher(config: Pick<AppConfig, 'ENCRYPTION_KEY'>): SecretCipher {
  return new SecretCipher(keyringFromEnv(config.ENCRYPTION_KEY, process.env), (version) =>
    version === undefined
      ? new SettingsError(SettingsErrorCode.SecretUndecryptable)
      : new SettingsError(
          SettingsErrorCode.SecretUndecryptable,
          `the SMTP password uses master key version ${version}, which is neither ENCRYPTION_KEY_VERSION nor in ENCRYPTION_KEYS_PREVIOUS`,
        ),
  );
}

export const sealSmtpPassword = (cipher: SecretCipher, password: string): SealedSecret =>
  cipher.encrypt(password, SMTP_PASSWORD_AAD);

/** A plain value stored before sealing, or one sealed under an older master key (a rotation). */
export function smtpPasswordNeedsSealing(cipher: SecretCipher, stored: SmtpSettings['password']): boolean {
  if (stored === null || stored === undefined) return false;
  return typeof stored === 'string' || stored.version !== cipher.currentVersion;
}

/**
 * The stored password sealed under the current master key: a plain or older value is (re)sealed now,
 * a current one kept as it is (so an unchanged password is no change).
 */
export function sealedSmtpPassword(
  cipher: SecretCipher,
  stored: SmtpSettings['password'],
): SealedSecret | null {
  if (stored === null || stored === undefined) return null;
  if (!smtpPasswordNeedsSealing(cipher, stored)) return stored as SealedSecret;
  return sealSmtpPassword(cipher, openSmtpPassword(cipher, stored) as string);
}

/** The password to log in to the SMTP server with. */
export function openSmtpPassword(cipher: SecretCipher, stored: SmtpSettings['password']): string | null {
  if (stored === null || stored === undefined) return null;
  return typeof stored === 'string' ? stored : cipher.decrypt(stored, SMTP_PASSWORD_AAD);
}
