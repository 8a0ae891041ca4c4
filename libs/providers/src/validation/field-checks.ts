// Checks of one JSON field at a known path, with OpenAI's wording for the error, so every validator
// names the exact field (`messages[2].content[0].text`) and nothing reaches a TypeError.
import { isJsonObject, type JsonObject } from '../json/json-object';
import { RequestValidationError } from './request-validation-error';

const SHOWN_VALUE_CHARS = 40;

/** `messages` + 2 → `messages[2]`; `messages[2]` + `role` → `messages[2].role`. */
export function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return parent === '' ? key : `${parent}.${key}`;
}

/** Optional OpenAI parameters accept `null` as "not set". */
export function isAbsent(value: unknown): value is null | undefined {
  return value === undefined || value === null;
}

export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a decimal';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

export function missing(path: string): RequestValidationError {
  return new RequestValidationError(path, `Missing required parameter: '${path}'.`);
}

export function invalidType(path: string, expected: string, value: unknown): RequestValidationError {
  return new RequestValidationError(
    path,
    `Invalid type for '${path}': expected ${expected}, but got ${describeType(value)} instead.`,
  );
}

export function requireObject(value: unknown, path: string, expected = 'an object'): JsonObject {
  if (value === undefined) throw missing(path);
  if (!isJsonObject(value)) throw invalidType(path, expected, value);
  return value;
}

export function requireArray(value: unknown, path: string, options: { nonEmpty?: boolean } = {}): unknown[] {
  if (value === undefined) throw missing(path);
  if (!Array.isArray(value)) throw invalidType(path, 'an array', value);
  if (options.nonEmpty && value.length === 0) {
    throw new RequestValidationError(
      path,
      `Invalid '${path}': empty array. Expected an array with minimum length 1, but got an empty array instead.`,
    );
  }
  return value;
}

export function requireString(
  value: unknown,
  path: string,
  options: { nonEmpty?: boolean; maxLength?: number } = {},
): string {
  if (value === undefined) throw missing(path);
  if (typeof value !== 'string') throw invalidType(path, 'a string', value);
  if (options.nonEmpty && value === '') {
    throw new RequestValidationError(
      path,
      `Invalid '${path}': empty string. Expected a string with minimum length 1, but got an empty string instead.`,
    );
  }
  if (options.maxLength !== undefined && value.length > options.maxLength) {
    throw new RequestValidationError(
      path,
      `Invalid '${path}': string too long. Expected a string with maximum length ${options.maxLength}, but got a string with length ${value.length} instead.`,
    );
  }
  return value;
}

export function requireBoolean(value: unknown, path: string): boolean {
  if (value === undefined) throw missing(path);
  if (typeof value !== 'boolean') throw invalidType(path, 'a boolean', value);
  return value;
}

export function requireInteger(value: unknown, path: string, range: { min: number; max?: number }): number {
  if (value === undefined) throw missing(path);
  // 1e20 is an integer to JSON, but not one the gateway can count exactly: out of range, not of type.
  if (typeof value !== 'number' || !Number.isInteger(value)) throw invalidType(path, 'an integer', value);
  if (value < range.min) {
    throw new RequestValidationError(
      path,
      `Invalid '${path}': integer below minimum value. Expected a value >= ${range.min}, but got ${value} instead.`,
    );
  }
  const max = Math.min(range.max ?? Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  if (value > max) {
    throw new RequestValidationError(
      path,
      `Invalid '${path}': integer above maximum value. Expected a value <= ${max}, but got ${value} instead.`,
    );
  }
  return value;
}

/**
 * The most output tokens one answer may ask for, in any format: far above any model's, and low
 * enough that the hold (× n × price) and the token-rate counters stay exact integers.
 */
export const MAX_OUTPUT_TOKENS = 1_000_000;

/** A finite number within `range` (both ends included). */
export function requireNumberIn(value: unknown, path: string, range: { min: number; max?: number }): number {
  if (value === undefined) throw missing(path);
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidType(path, 'a number', value);
  if (value < range.min || (range.max !== undefined && value > range.max)) {
    const bounds = range.max === undefined ? `>= ${range.min}` : `between ${range.min} and ${range.max}`;
    throw new RequestValidationError(
      path,
      `Invalid '${path}': expected a value ${bounds}, but got ${value} instead.`,
    );
  }
  return value;
}

export function requireOneOf<T extends string>(value: unknown, path: string, allowed: readonly T[]): T {
  if (value === undefined) throw missing(path);
  if (typeof value !== 'string') throw invalidType(path, 'a string', value);
  if (!(allowed as readonly string[]).includes(value)) {
    const shown = value.length > SHOWN_VALUE_CHARS ? `${value.slice(0, SHOWN_VALUE_CHARS)}…` : value;
    throw new RequestValidationError(
      path,
      `Invalid value for '${path}': expected one of ${allowed.map((a) => `'${a}'`).join(', ')}, but got '${shown}' instead.`,
    );
  }
  return value as T;
}
