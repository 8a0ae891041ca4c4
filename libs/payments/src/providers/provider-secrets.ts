// Sealing a provider's secrets with the process's KeyCipher (the provider keys' AES-256-GCM and
// keyring, so a master-key rotation covers them too), bound to the provider's row.
import type { KeyCipher } from '@gateway/channels';
import type { PaymentProviderConfig } from '../entities/payment-provider-config.entity';
import type { PaymentProviderKind } from './payment-provider-kinds';

export type ProviderSecrets = Record<string, string>;

export function paymentProviderAad(provider: PaymentProviderKind): string {
  return `gateway:payment-provider:v1:${provider}`;
}

export function openSecrets(cipher: KeyCipher, row: PaymentProviderConfig): ProviderSecrets {
  if (!row.secretsCiphertext || row.secretsKeyVersion === null) return {};
  const json = cipher.decrypt(
    { ciphertext: row.secretsCiphertext, version: row.secretsKeyVersion },
    paymentProviderAad(row.provider),
  );
  return JSON.parse(json) as ProviderSecrets;
}

export function sealSecrets(cipher: KeyCipher, row: PaymentProviderConfig, secrets: ProviderSecrets): void {
  const sealed = cipher.encrypt(JSON.stringify(secrets), paymentProviderAad(row.provider));
  row.secretsCiphertext = sealed.ciphertext;
  row.secretsKeyVersion = sealed.version;
  row.secretHints = Object.fromEntries(
    Object.entries(secrets).map(([name, value]) => [name, secretMask(value)]),
  );
}

/** `…abcd`: the last 4 characters only (a secret's prefix, such as `sk_live_`, is shown by the mask too). */
export function secretMask(secret: string): string {
  const prefix = /^(sk|rk|whsec)_(live_|test_)?/.exec(secret)?.[0] ?? '';
  return `${prefix}…${secret.slice(-4)}`;
}
