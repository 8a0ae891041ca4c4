// What counts as a well-formed usage event. The worker stores only events that pass (anything else
// goes to the dead stream), so every rule here is also a guarantee that the batch INSERT cannot
// fail on a value: a bad uuid or an out-of-range integer in one event would otherwise sink the batch.
import type {
  UsageAttempt,
  UsageBilledUnit,
  UsageEndpoint,
  UsageEvent,
  UsageEventSource,
} from './usage-event';

export const USAGE_ENDPOINTS: readonly UsageEndpoint[] = [
  'chat.completions',
  'completions',
  'embeddings',
  'responses',
  'messages',
  'generate_content',
  'images.generations',
  'images.edits',
  'audio.transcriptions',
  'audio.translations',
  'audio.speech',
  'moderations',
  'rerank',
];
export const USAGE_BILLED_UNITS: readonly UsageBilledUnit[] = [
  'tokens',
  'images',
  'audio_seconds',
  'characters',
  'requests',
];
export const USAGE_SOURCES: readonly UsageEventSource[] = ['upstream', 'counted', 'none'];

/** Column widths of usage_records: longer free text is cut to fit rather than losing the record. */
export const USAGE_TEXT_LIMITS = {
  requestId: 128,
  model: 200,
  errorCode: 64,
  errorMessage: 1000,
  clientIp: 64,
  attemptText: 200,
  fallbacks: 50,
} as const;

const INT4_MAX = 2_147_483_647;
const INT8_MAX = 9_223_372_036_854_775_807n;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const NANO = /^\d{1,19}$/;
// PostgreSQL refuses NUL in text and jsonb, and lone surrogates in jsonb.
// eslint-disable-next-line no-control-regex -- matching NUL is the point
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export type ParsedUsageEvent = { ok: true; event: UsageEvent } | { ok: false; reason: string };

class Malformed extends Error {}

/**
 * Parses and normalises one stream entry's JSON. Malformed: not JSON, not an object, a required
 * field missing or of the wrong type, an id that is not a UUID, a time that is not ISO 8601, a count
 * that is negative, fractional or beyond int4, a cost that is not a non-negative int8 decimal string,
 * a status outside 100-599, an unknown endpoint or usage source, a covered part above the cost. Not
 * malformed (normalised instead): over-long free text (cut to the column), NUL and lone surrogates
 * (removed), a nullable field or `fallbacks` left out (null / []), `coveredNano` or `writtenOffNano` left out ("0"),
 * unknown extra fields (ignored).
 */
export function parseUsageEvent(json: string): ParsedUsageEvent {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  if (!isRecord(value)) return { ok: false, reason: 'not a JSON object' };
  try {
    return { ok: true, event: readEvent(value) };
  } catch (error) {
    if (error instanceof Malformed) return { ok: false, reason: error.message };
    throw error;
  }
}

function readEvent(raw: Record<string, unknown>): UsageEvent {
  const requestId = requiredText(raw, 'requestId');
  if (requestId.length > USAGE_TEXT_LIMITS.requestId) {
    throw new Malformed(`requestId is longer than ${USAGE_TEXT_LIMITS.requestId} characters`);
  }
  const costNano = nano(raw, 'costNano');
  const coveredNano = raw['coveredNano'] === undefined ? '0' : nano(raw, 'coveredNano');
  if (BigInt(coveredNano) > BigInt(costNano)) throw new Malformed('coveredNano must not exceed costNano');
  const promptTokens = count(raw, 'promptTokens');
  const completionTokens = count(raw, 'completionTokens');
  return {
    requestId,
    startedAt: isoTime(raw, 'startedAt'),
    tenantId: uuid(raw, 'tenantId'),
    tokenId: uuid(raw, 'tokenId'),
    endpoint: oneOf(raw, 'endpoint', USAGE_ENDPOINTS),
    model: cut(requiredText(raw, 'model'), USAGE_TEXT_LIMITS.model),
    stream: bool(raw, 'stream'),
    channelId: nullable(raw, 'channelId', uuid),
    channelKeyId: nullable(raw, 'channelKeyId', uuid),
    upstreamModel: nullable(raw, 'upstreamModel', (r, k) => cut(text(r, k), USAGE_TEXT_LIMITS.model)),
    // Absent in events written before chains existed.
    servedModel: nullable(raw, 'servedModel', (r, k) => cut(text(r, k), USAGE_TEXT_LIMITS.model)),
    promptTokens,
    cachedTokens: count(raw, 'cachedTokens'),
    // Events from a relay older than cache-write metering carry none.
    cacheWriteTokens: raw['cacheWriteTokens'] === undefined ? 0 : count(raw, 'cacheWriteTokens'),
    completionTokens,
    reasoningTokens: count(raw, 'reasoningTokens'),
    usageSource: oneOf(raw, 'usageSource', USAGE_SOURCES),
    billedUnit: raw['billedUnit'] === undefined ? 'tokens' : oneOf(raw, 'billedUnit', USAGE_BILLED_UNITS),
    billedQuantity:
      raw['billedQuantity'] === undefined ? promptTokens + completionTokens : quantity(raw, 'billedQuantity'),
    costNano,
    coveredNano,
    writtenOffNano: raw['writtenOffNano'] === undefined ? '0' : nano(raw, 'writtenOffNano'),
    planPeriodStart: nullable(raw, 'planPeriodStart', isoTime),
    latencyMs: count(raw, 'latencyMs'),
    ttftMs: nullable(raw, 'ttftMs', count),
    status: httpStatus(raw, 'status'),
    errorCode: nullable(raw, 'errorCode', (r, k) => cut(text(r, k), USAGE_TEXT_LIMITS.errorCode)),
    errorMessage: nullable(raw, 'errorMessage', (r, k) => cut(text(r, k), USAGE_TEXT_LIMITS.errorMessage)),
    fallbacks: attempts(raw),
    clientIp: nullable(raw, 'clientIp', (r, k) => cut(text(r, k), USAGE_TEXT_LIMITS.clientIp)),
  };
}

function attempts(raw: Record<string, unknown>): UsageAttempt[] {
  const value = raw['fallbacks'];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new Malformed('fallbacks must be an array');
  return value.slice(0, USAGE_TEXT_LIMITS.fallbacks).map((item: unknown, index) => {
    if (!isRecord(item)) throw new Malformed(`fallbacks[${index}] must be an object`);
    const field = (name: string) => `fallbacks[${index}].${name}`;
    const attemptText = (name: string) => {
      const v = item[name];
      if (typeof v !== 'string') throw new Malformed(`${field(name)} must be a string`);
      return cut(clean(v), USAGE_TEXT_LIMITS.attemptText);
    };
    const status = item['status'];
    if (status !== null && status !== undefined && !isInt(status, 100, 599)) {
      throw new Malformed(`${field('status')} must be an HTTP status or null`);
    }
    return {
      channelId: attemptText('channelId'),
      channelName: attemptText('channelName'),
      keyId: attemptText('keyId'),
      status: (status as number | null | undefined) ?? null,
      code: attemptText('code'),
    };
  });
}

function text(raw: Record<string, unknown>, key: string): string {
  const value = raw[key];
  if (typeof value !== 'string') throw new Malformed(`${key} must be a string`);
  return clean(value);
}

function requiredText(raw: Record<string, unknown>, key: string): string {
  const value = text(raw, key);
  if (value.length === 0) throw new Malformed(`${key} must not be empty`);
  return value;
}

function uuid(raw: Record<string, unknown>, key: string): string {
  const value = raw[key];
  if (typeof value !== 'string' || !UUID.test(value)) throw new Malformed(`${key} must be a UUID`);
  return value.toLowerCase();
}

function isoTime(raw: Record<string, unknown>, key: string): string {
  const value = raw[key];
  const time = typeof value === 'string' && ISO_DATE_TIME.test(value) ? Date.parse(value) : NaN;
  if (!Number.isFinite(time) || !isCalendarDate(value as string)) {
    throw new Malformed(`${key} must be an ISO 8601 date-time`);
  }
  return new Date(time).toISOString();
}

/** Date.parse rolls 2025-02-30 over into March; a real date does not. */
function isCalendarDate(value: string): boolean {
  const [year, month, day] = value.slice(0, 10).split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

function oneOf<T extends string>(raw: Record<string, unknown>, key: string, allowed: readonly T[]): T {
  const value = raw[key];
  if (!allowed.includes(value as T)) throw new Malformed(`${key} must be one of ${allowed.join(', ')}`);
  return value as T;
}

function bool(raw: Record<string, unknown>, key: string): boolean {
  const value = raw[key];
  if (typeof value !== 'boolean') throw new Malformed(`${key} must be a boolean`);
  return value;
}

function count(raw: Record<string, unknown>, key: string): number {
  const value = raw[key];
  if (!isInt(value, 0, INT4_MAX)) throw new Malformed(`${key} must be a whole number from 0 to ${INT4_MAX}`);
  return value;
}

function quantity(raw: Record<string, unknown>, key: string): number {
  const value = raw[key];
  if (!isInt(value, 0, Number.MAX_SAFE_INTEGER)) {
    throw new Malformed(`${key} must be a whole number from 0 to ${Number.MAX_SAFE_INTEGER}`);
  }
  return value;
}

function httpStatus(raw: Record<string, unknown>, key: string): number {
  const value = raw[key];
  if (!isInt(value, 100, 599)) throw new Malformed(`${key} must be an HTTP status (100-599)`);
  return value;
}

function nano(raw: Record<string, unknown>, key: string): string {
  const value = raw[key];
  if (typeof value !== 'string' || !NANO.test(value) || BigInt(value) > INT8_MAX) {
    throw new Malformed(`${key} must be a non-negative integer string (nano-USD)`);
  }
  return BigInt(value).toString();
}

function nullable<T>(
  raw: Record<string, unknown>,
  key: string,
  read: (raw: Record<string, unknown>, key: string) => T,
): T | null {
  const value = raw[key];
  return value === null || value === undefined ? null : read(raw, key);
}

function isInt(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function clean(value: string): string {
  return value.replace(UNSTORABLE, '');
}

/** Cut to `max` UTF-16 units (so at most `max` characters), never leaving half a surrogate pair. */
function cut(value: string, max: number): string {
  return value.length <= max ? value : clean(value.slice(0, max));
}
