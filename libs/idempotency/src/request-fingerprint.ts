// What a retry must repeat for its key to replay: the method, the route with its ids and query, and
// the body, compared as values, not as the text that carried them. Express matches a path whatever
// its case, a trailing slash or its percent-escapes, and a UUID names the same row in either case,
// so the route is taken as Express matched it (its pattern and decoded params, UUIDs lowercased),
// the query and the body as JSON values whose key order and spacing do not matter.
import { createHash } from 'node:crypto';

export interface FingerprintedRequest {
  method: string;
  originalUrl: string;
  /** Express's: the router's mount path, and the matched route's pattern and decoded params. */
  baseUrl?: string;
  route?: { path?: unknown };
  params?: Record<string, unknown>;
  query?: unknown;
  body?: unknown;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PARAM = /:(\w+)/g;

/** `POST /api/tenants/<id>/topups` as the route canonically spells it, for people reading the table. */
export function requestLine(req: FingerprintedRequest): string {
  const route = matchedRoute(req);
  if (route === undefined) return `${req.method} ${req.originalUrl}`;
  const params = canonicalParams(req.params);
  const path = route.replace(PARAM, (whole, name: string) =>
    typeof params[name] === 'string' ? encodeURIComponent(params[name]) : whole,
  );
  const query = queryOf(req);
  return `${req.method} ${path}${query === undefined ? '' : `?${new URLSearchParams(query)}`}`;
}

export function requestHash(req: FingerprintedRequest): string {
  const route = matchedRoute(req);
  const identity =
    route === undefined
      ? [`${req.method} ${req.originalUrl}`]
      : [req.method.toUpperCase(), route, canonical(canonicalParams(req.params)), canonical(req.query ?? {})];
  return createHash('sha256')
    .update(JSON.stringify([identity, canonical(req.body ?? null)]))
    .digest('hex');
}

/** The pattern Express matched (`/api/tenants/:id/topups`), whatever spelling of it was sent. */
function matchedRoute(req: FingerprintedRequest): string | undefined {
  const path = req.route?.path;
  return typeof path === 'string' ? `${req.baseUrl ?? ''}${path}` : undefined;
}

/** Decoded params, with a UUID in one case (PostgreSQL's, lowercase) since either names the same row. */
function canonicalParams(params: Record<string, unknown> | undefined): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(params ?? {}).map(([name, value]) => [
      name,
      typeof value === 'string' && UUID.test(value) ? value.toLowerCase() : value,
    ]),
  );
}

/** The query's plain string fields, sorted (for the readable line only; the hash takes it whole). */
function queryOf(req: FingerprintedRequest): [string, string][] | undefined {
  if (req.query === null || typeof req.query !== 'object') return undefined;
  const entries = Object.entries(req.query as Record<string, unknown>)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]): [string, string] => [
      name,
      typeof value === 'string' ? value : JSON.stringify(value),
    ]);
  return entries.length === 0 ? undefined : entries;
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
