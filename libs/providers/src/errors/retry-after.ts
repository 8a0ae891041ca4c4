// How long an upstream asked us to wait, from `retry-after-ms` (OpenAI's, milliseconds) or
// `retry-after` (seconds or an HTTP date), or from the error body where a provider says it there
// (OpenRouter's reset). Null when it did not say, or said nonsense.
import type { HttpHeaders } from '../http/http-headers';
import { isJsonObject } from '../json/json-object';

/** Longer than a day is not a rate limit we can honour; the cooldown clamp applies anyway. */
const MAX_MS = 86_400_000;

function header(headers: HttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function retryAfterMs(headers: HttpHeaders, now: number): number | null {
  const ms = header(headers, 'retry-after-ms');
  if (ms !== undefined && /^\s*\d+(\.\d+)?\s*$/.test(ms)) return Math.min(Math.ceil(Number(ms)), MAX_MS);
  const raw = header(headers, 'retry-after')?.trim();
  if (!raw) return null;
  if (/^\d+(\.\d+)?$/.test(raw)) return Math.min(Math.ceil(Number(raw) * 1000), MAX_MS);
  // An HTTP date names its day and month; Date.parse alone would read `-5` as a year.
  if (!/[A-Za-z]{3}/.test(raw)) return null;
  const date = Date.parse(raw);
  if (Number.isNaN(date)) return null;
  return Math.min(Math.max(0, date - now), MAX_MS);
}

/**
 * OpenRouter says when a rate limit (its free models' daily and per-minute caps) resets in the error
 * body, `error.metadata.headers["X-RateLimit-Reset"]` (milliseconds since the epoch), not in a
 * `Retry-After`.
 */
export function bodyResetAfterMs(body: string, now: number): number | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body) as unknown;
  } catch {
    return null;
  }
  if (!isJsonObject(parsed) || !isJsonObject(parsed['error'])) return null;
  const metadata = parsed['error']['metadata'];
  if (!isJsonObject(metadata) || !isJsonObject(metadata['headers'])) return null;
  const headers = metadata['headers'];
  const name = Object.keys(headers).find((key) => key.toLowerCase() === 'x-ratelimit-reset');
  const reset = name === undefined ? undefined : headers[name];
  const at =
    typeof reset === 'number'
      ? reset
      : typeof reset === 'string' && /^\s*\d+\s*$/.test(reset)
        ? Number(reset)
        : NaN;
  if (!Number.isSafeInteger(at) || at <= now) return null;
  return Math.min(at - now, MAX_MS);
}
