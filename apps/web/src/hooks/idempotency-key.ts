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

/**
 * Whether the next save may reuse the key after this failure: only when the server's answer never
 * came (a network error) or the first save is still running (409 idempotency_key_in_use), the cases
 * a retry is for. Any other answer was given, and kept for the key: a corrected form sent with it
 * would be refused as `idempotency_key_reused`, so it gets a new key.
 */
export function keepsIdempotencyKey(error: unknown): boolean {
  if (!isApiError(error)) return false;
  return error.status === 0 || error.code === 'idempotency_key_in_use';
}
