// Redemption codes themselves: how one is made (140 random bits in Crockford's base32, which has no
// I, L, O or U, so it reads aloud and types without ambiguity), how a typed one is normalized, and what
// the database keeps instead (SHA-256 and a hint).
import { createHash, randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const GROUPS = 7;
const GROUP_LENGTH = 4;
/** 28 characters × 5 bits = 140 bits of randomness. */
export const CODE_LENGTH = GROUPS * GROUP_LENGTH;
const HINT_LENGTH = 4;

/** A fresh code, `XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX`. 256 is a multiple of 32: no modulo bias. */
export function generateRedemptionCode(): string {
  const chars = [...randomBytes(CODE_LENGTH)].map((byte) => ALPHABET.charAt(byte % ALPHABET.length));
  const groups: string[] = [];
  for (let i = 0; i < CODE_LENGTH; i += GROUP_LENGTH) groups.push(chars.slice(i, i + GROUP_LENGTH).join(''));
  return groups.join('-');
}

/** A code imported from NewAPI / one-api: 32 hex characters (a UUID without its dashes). */
const NEWAPI_CODE = /^[0-9a-f]{32}$/i;

/**
 * The code as typed → its canonical 28 characters, or null when it cannot be a code. Case, spaces
 * and dashes don't matter; O reads as 0 and I/L as 1, as Crockford's alphabet intends. A code
 * imported from NewAPI keeps its own shape (32 lower-case hex characters): its customers hold it as
 * NewAPI printed it, and its length can never be one of ours.
 */
export function normalizeRedemptionCode(input: string): string | null {
  const compact = input.replace(/[\s-]/g, '');
  if (NEWAPI_CODE.test(compact)) return compact.toLowerCase();
  const canonical = input.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (canonical.length !== CODE_LENGTH) return null;
  return [...canonical].every((char) => ALPHABET.includes(char)) ? canonical : null;
}

/** What the database keeps: SHA-256 of the canonical code (140 or 128 random bits need no slow hash). */
export function hashRedemptionCode(canonical: string): string {
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

/** First and last characters (`K7Q2…9XZA`): tells codes apart, reveals 40 of 140 bits. */
export function redemptionCodeHint(canonical: string): string {
  return `${canonical.slice(0, HINT_LENGTH)}…${canonical.slice(-HINT_LENGTH)}`;
}
