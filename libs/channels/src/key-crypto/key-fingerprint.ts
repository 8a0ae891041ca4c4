import { createHash } from 'node:crypto';

/** SHA-256 hex of a provider key: finds the same key twice in a channel without decrypting any. */
export function keyFingerprint(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}
