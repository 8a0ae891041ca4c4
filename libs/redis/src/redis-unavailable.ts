// Whether an error means "Redis did not answer" (a stall past the command timeout, a lost
// connection, retries used up) rather than a bug or a script's refusal. The hot path turns the
// former into a 503 with a code (fail closed) or carries on without Redis (fail open), per call
// (docs/design.md, "Redis on the hot path").
const UNAVAILABLE_MESSAGES = ['Command timed out', 'Connection is closed.', "Stream isn't writeable"];
const UNAVAILABLE_NAMES = new Set(['MaxRetriesPerRequestError']);
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTCONN']);

export function isRedisUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (UNAVAILABLE_NAMES.has(error.name)) return true;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
  return UNAVAILABLE_MESSAGES.some((message) => error.message.startsWith(message));
}
