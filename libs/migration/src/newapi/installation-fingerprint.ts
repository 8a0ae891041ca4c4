// Which NewAPI installation a source is, so that the same database read as a SQLite copy or over
// its URL is recognised as one: its first user (the root, made at install time) with the random
// affiliate code NewAPI gave it. An operator may name the installation instead (--installation).
import { createHash } from 'node:crypto';
import type { SourceRow } from './source/newapi-source';
import { integer, text } from './source-values';

export function installationFingerprint(users: SourceRow[]): string {
  const first = [...users].sort((a, b) => (integer(a, 'id') < integer(b, 'id') ? -1 : 1))[0];
  const seed = first
    ? `${text(first, 'id')}|${text(first, 'username')}|${text(first, 'aff_code')}`
    : 'no users';
  return createHash('sha256').update(`newapi|${seed}`).digest('hex').slice(0, 16);
}

/** SHA-256 of a value's JSON (bigints as strings): what a link remembers of the row it imported. */
export function digestOf(value: unknown): string {
  const json = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  return createHash('sha256').update(json).digest('hex');
}
