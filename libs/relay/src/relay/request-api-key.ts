// Where a /v1 request carries its API key, for the controllers and for the check made before the body is read.
import type { Request } from 'express';

/** The API key from `Authorization: Bearer …`, else `x-api-key`; null when neither carries one. */
export function apiKeyOf(req: Request): string | null {
  const authorization = req.headers.authorization;
  if (typeof authorization === 'string') {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (match) return match[1] as string;
  }
  const apiKey = req.headers['x-api-key'];
  return typeof apiKey === 'string' && apiKey.trim() !== '' ? apiKey.trim() : null;
}

/** Google's places for the key (`x-goog-api-key`, `?key=`), then the relay's own (Bearer, x-api-key). */
export function googleKeyOf(req: Request): string | null {
  const header = req.headers['x-goog-api-key'];
  if (typeof header === 'string' && header.trim() !== '') return header.trim();
  const query = req.query['key'];
  if (typeof query === 'string' && query.trim() !== '') return query.trim();
  return apiKeyOf(req);
}
