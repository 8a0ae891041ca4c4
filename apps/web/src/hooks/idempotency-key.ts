// The console's Idempotency-Key (docs/api.md, "Idempotency-Key"): one per attempt at one payment or
// top-up, so a save whose answer was lost can be sent again without paying twice.
import { isApiError } from '../api/api-error';

/**
 * 128 random bits as hex. crypto.getRandomValues, not randomUUID: the console may be served over
 * plain HTTP on a LAN address, where browsers offer randomUUID only to secure contexts.
 */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** The answers that say the first save with the key has no answer yet, or never will. */
const UNANSWERED_CODES = new Set(['idempotency_key_in_use', 'idempotency_key_unresolved']);

/**
 * Whether the next save may reuse the key after this failure: only when the server's answer never
 * came (a network error), the first save is still running (409 idempotency_key_in_use) or never
 * answered (409 idempotency_key_unresolved: it may have moved the money, so a new key must not be
 * what OK sends next; the operator checks and reopens the dialog). Any other answer was given: a
 * corrected form gets a new key, which a kept answer (a 4xx other than 400) would otherwise refuse
 * as `idempotency_key_reused`.
 */
export function keepsIdempotencyKey(error: unknown): boolean {
  if (!isApiError(error)) return false;
  return error.status === 0 || UNANSWERED_CODES.has(error.code);
}
