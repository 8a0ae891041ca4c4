// The error an upstream answered with, read from any of the three error dialects we speak.

export interface UpstreamError {
  message: string | null;
  /** OpenAI `error.code`, Anthropic `error.type`, Gemini `error.status`. */
  code: string | null;
  /** OpenAI `error.type`. */
  type: string | null;
  /** Gemini `error.details[].reason` (e.g. API_KEY_INVALID). */
  reasons: string[];
}

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

function record(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

/** Parses an error body; anything that is not JSON yields its raw text as the message. */
export function parseUpstreamError(body: string): UpstreamError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { message: text(body.trim()), code: null, type: null, reasons: [] };
  }
  // Gemini sometimes wraps the error in a one-element array.
  const root = record(Array.isArray(parsed) ? parsed[0] : parsed);
  const error = record(root?.['error']);
  if (!error)
    return { message: text(root?.['message']) ?? text(body.trim()), code: null, type: null, reasons: [] };
  const details = Array.isArray(error['details']) ? error['details'] : [];
  const reasons = details
    .map((detail) => text(record(detail)?.['reason']))
    .filter((r): r is string => r !== null);
  const isAnthropic = root?.['type'] === 'error';
  return {
    message: text(error['message']),
    code: text(error['code']) ?? (isAnthropic ? text(error['type']) : null) ?? text(error['status']),
    type: isAnthropic ? null : text(error['type']),
    reasons,
  };
}
