// How long an upstream asked us to wait, from `retry-after-ms` (OpenAI's, milliseconds) or
// `retry-after` (seconds or an HTTP date). Null when it did not say, or said nonsense.
import type { HttpHeaders } from '../http/http-headers';

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
