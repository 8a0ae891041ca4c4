// Reading a NewAPI column whatever the driver made of it: SQLite gives bigints (numbers for REAL),
// PostgreSQL's BIGINT and MySQL's (with bigNumberStrings) give strings, a missing column undefined.
import type { SourceRow } from './source/newapi-source';

/**
 * A column as text. A NUL character, which MySQL and SQLite store but PostgreSQL's text cannot, is
 * dropped: one in a name or an email would otherwise fail the whole kind's transaction.
 */
export function text(row: SourceRow, column: string): string {
  const value = row[column];
  if (value === null || value === undefined) return '';
  const raw = value instanceof Uint8Array ? Buffer.from(value).toString('utf8') : String(value);
  return raw.includes('\u0000') ? raw.split('\u0000').join('') : raw;
}

/**
 * An integer column as a bigint, exactly: quota columns are BIGINT, and some shops keep int64's
 * largest as "unlimited".
 */
export function integer(row: SourceRow, column: string, fallback = 0n): bigint {
  const value = row[column];
  if (value === null || value === undefined || value === '') return fallback;
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? BigInt(Math.trunc(value)) : fallback;
  if (typeof value === 'boolean') return value ? 1n : 0n;
  return /^-?\d+$/.test(String(value).trim()) ? BigInt(String(value).trim()) : fallback;
}

export function flag(row: SourceRow, column: string): boolean {
  const value = row[column];
  return value === true || value === 1 || value === '1' || value === 't' || value === 'true' || value === 1n;
}

/** Comma- (or newline-) separated values, trimmed, empties and duplicates dropped, order kept. */
export function list(value: string, separator = /,/): string[] {
  return [
    ...new Set(
      value
        .split(separator)
        .map((item) => item.trim())
        .filter((item) => item !== ''),
    ),
  ];
}
