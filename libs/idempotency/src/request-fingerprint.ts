// What a retry must repeat for its key to replay: the method, the path (with its ids and query)
// and the body, compared as JSON values so that key order and spacing do not matter.
import { createHash } from 'node:crypto';

export interface FingerprintedRequest {
  method: string;
  originalUrl: string;
  body?: unknown;
}

export function requestLine(req: FingerprintedRequest): string {
  return `${req.method} ${req.originalUrl}`;
}

export function requestHash(req: FingerprintedRequest): string {
  return createHash('sha256')
    .update(JSON.stringify([requestLine(req), canonical(req.body ?? null)]))
    .digest('hex');
}

/** The value with every object's keys sorted (the /api refuses bodies nested past 32 levels). */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
  );
}
