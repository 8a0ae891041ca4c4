import { HttpError } from './http-error';

export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Readers of request body fields: a wrong type is the client's mistake, answered 400 naming the field.

export function requireString(body: JsonObject, field: string): string {
  const value = body[field];
  if (typeof value !== 'string' || value === '') throw invalidField(field, 'a non-empty string');
  return value;
}

export function requireArray(body: JsonObject, field: string): unknown[] {
  const value = body[field];
  if (!Array.isArray(value) || value.length === 0) throw invalidField(field, 'a non-empty array');
  return value;
}

/** An optional integer; `null` counts as absent, as in the OpenAI API. */
export function optionalInteger(
  body: JsonObject,
  field: string,
  min: number,
  max: number,
): number | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalidField(field, `an integer from ${min} to ${max}`);
  }
  return value;
}

export function optionalBoolean(body: JsonObject, field: string): boolean | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw invalidField(field, 'a boolean');
  return value;
}

/** `stream_options.include_usage`: whether a stream ends with a usage chunk. */
export function includeUsageRequested(body: JsonObject): boolean {
  const options = body['stream_options'];
  if (options === undefined || options === null) return false;
  if (!isJsonObject(options)) throw invalidField('stream_options', 'an object');
  const includeUsage = options['include_usage'];
  if (includeUsage === undefined || includeUsage === null) return false;
  if (typeof includeUsage !== 'boolean') throw invalidField('stream_options.include_usage', 'a boolean');
  return includeUsage;
}

export function invalidField(field: string, expected: string): HttpError {
  return HttpError.invalidRequest(`Invalid '${field}': expected ${expected}.`, field);
}
