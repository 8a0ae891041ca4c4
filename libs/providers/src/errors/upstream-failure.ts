// A call that got no answer: the upstream was too slow, or could not be reached. Both are transient
// (another key or channel may answer). Told apart by the error's name and code, never by
// `instanceof`: the error may come from another realm (Jest's sandbox, fetch's own undici).

export interface UpstreamFailure {
  kind: 'retry';
  cause: 'timeout' | 'connect';
  /** The system or client error code (ECONNREFUSED, UND_ERR_HEADERS_TIMEOUT…), if any. */
  code: string | null;
  /** What went wrong, in the client library's words (not masked). */
  message: string;
}

/** undici's timeouts (headers, body, connect) and an aborted request's, by code or name. */
const TIMEOUT_CODES = new Set([
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_ABORTED',
  'ETIMEDOUT',
]);
const TIMEOUT_NAMES = new Set(['TimeoutError', 'AbortError']);

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  cause?: { name?: unknown; code?: unknown; message?: unknown };
}

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/**
 * Classifies what a request without an answer threw. Callers that abort a request themselves (a
 * client that went away) check their own signal first: an abort reads as a timeout here.
 */
export function classifyUpstreamFailure(error: unknown): UpstreamFailure {
  const err = (typeof error === 'object' && error !== null ? error : {}) as ErrorLike;
  const cause = typeof err.cause === 'object' && err.cause !== null ? err.cause : {};
  const code = text(err.code) ?? text(cause.code);
  const names = [text(err.name), text(cause.name)];
  const timedOut =
    (code !== null && TIMEOUT_CODES.has(code)) || names.some((n) => n !== null && TIMEOUT_NAMES.has(n));
  const message =
    text(cause.message) ?? text(err.message) ?? (typeof error === 'string' ? error : 'request failed');
  return { kind: 'retry', cause: timedOut ? 'timeout' : 'connect', code, message };
}
