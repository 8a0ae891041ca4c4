// The /v1 API key itself: how it is made, stored (a SHA-256 hash) and shown (a masked hint).
import { hash, randomBytes } from 'node:crypto';

export const API_KEY_PREFIX = 'sk-';
export const API_KEY_RANDOM_LENGTH = 48;
export const BASE62_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

const API_KEY_SHAPE = new RegExp(`^${API_KEY_PREFIX}[0-9A-Za-z]{${API_KEY_RANDOM_LENGTH}}$`);
/** The largest multiple of 62 that fits in a byte: bytes at or above it are dropped, so every character is equally likely. */
const UNBIASED_BYTE_LIMIT = 256 - (256 % BASE62_ALPHABET.length);
const HINT_LENGTH = 4;

/** `sk-` + 48 base62 characters (≈ 285 bits), drawn by rejection sampling: no modulo bias. */
export function generateApiKey(): string {
  let body = '';
  while (body.length < API_KEY_RANDOM_LENGTH) {
    for (const byte of randomBytes(64)) {
      if (byte >= UNBIASED_BYTE_LIMIT) continue;
      body += BASE62_ALPHABET[byte % BASE62_ALPHABET.length];
      if (body.length === API_KEY_RANDOM_LENGTH) break;
    }
  }
  return API_KEY_PREFIX + body;
}

/** Cheap shape check, so garbage never reaches the cache or the database. */
export function looksLikeApiKey(value: string): boolean {
  return API_KEY_SHAPE.test(value);
}

/** What the database keeps instead of the key: SHA-256, lower-case hex (a key has enough entropy not to need a slow hash). */
export function hashApiKey(key: string): string {
  // crypto.hash: one call, no Hash object (a third of createHash's time; once a request, issue #16).
  return hash('sha256', key, 'hex');
}

/** The last characters of the key, kept to tell keys apart in the dashboard. */
export function apiKeyHint(key: string): string {
  return key.slice(-HINT_LENGTH);
}

/** `sk-…abcd`: the only form in which a key is shown after its creation. */
export function maskApiKey(hint: string): string {
  return `${API_KEY_PREFIX}…${hint}`;
}
