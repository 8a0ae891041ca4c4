// Whether an error means "PostgreSQL did not answer" (stopped, restarting, unreachable, out of
// connections) rather than a bug or a refused row: the relay says so as a 503 with a code, never
// a 500 (docs/design.md, "Bad input" and invariant 1).
import { QueryFailedError } from 'typeorm';

/** SQLSTATE class 08 (connection exception) and these: the server is going away or not back yet. */
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '53300']);
/** What node-postgres says when a connection ends under a query or none comes in time. */
const UNAVAILABLE_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
];

export function isPostgresUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const cause = error instanceof QueryFailedError ? (error.driverError as Error) : error;
  const code = (cause as { code?: unknown }).code;
  if (typeof code === 'string' && (code.startsWith('08') || UNAVAILABLE_STATES.has(code))) return true;
  return UNAVAILABLE_MESSAGES.some((message) => (cause?.message ?? '').startsWith(message));
}
