// What a provider key may look like when an operator pastes it in.

/** 8..1024 printable ASCII characters, no whitespace. */
export const PROVIDER_KEY_PATTERN = /^[\x21-\x7e]{8,1024}$/;
export const PROVIDER_KEY_RULE = 'must be 8 to 1024 printable ASCII characters without whitespace';

export function isProviderKey(value: unknown): value is string {
  return typeof value === 'string' && PROVIDER_KEY_PATTERN.test(value);
}
