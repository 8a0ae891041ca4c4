// How a stored key is shown: `sk-…abcd`. The hint column keeps exactly what the mask shows (a known
// vendor prefix, if any, then the last 4 characters) so that reads never decrypt a key.

/** Vendor prefixes worth showing (3 characters: OpenAI-style `sk-`, Groq `gsk_`, xAI `xai-`). */
export const KNOWN_KEY_PREFIXES = ['sk-', 'gsk', 'xai'] as const;
const TAIL = 4;

/** The `key_hint` to store for a key: known prefix (or nothing) + last 4 characters. */
export function keyHintOf(key: string): string {
  const prefix = KNOWN_KEY_PREFIXES.find((known) => key.startsWith(known)) ?? '';
  return `${prefix}${key.slice(-TAIL)}`;
}

/** `sk-…abcd` from a stored hint; the last 4 characters of the hint are always the key's tail. */
export function maskedKeyOf(hint: string): string {
  return `${hint.slice(0, -TAIL)}…${hint.slice(-TAIL)}`;
}

/** Convenience for a plaintext key: the mask without storing anything. */
export function maskKey(key: string): string {
  return maskedKeyOf(keyHintOf(key));
}
