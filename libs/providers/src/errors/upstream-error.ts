// What an upstream said in an error answer, read from any of the error dialects upstreams speak:
// OpenAI's `{error:{message,type,param,code}}`, Anthropic's `{type:"error",error:{type,message}}`,
// Google's `{error:{code,message,status,details}}` (sometimes inside a one-element array), a bare
// `{message,code}`, a JSON string, or plain text. Not masked: callers mask before showing it.

export interface UpstreamError {
  message: string | null;
  /** OpenAI `error.code`, Anthropic `error.type`, Google `error.status` (else its numeric `code`). */
  code: string | null;
  /** OpenAI and Anthropic `error.type`. */
  type: string | null;
  /** OpenAI `error.param`. */
  param: string | null;
  /** Google `error.details[].reason` (e.g. API_KEY_INVALID). */
  reasons: string[];
}

const text = (value: unknown): string | null =>
  typeof value === 'string' && value.trim() !== '' ? value : null;

function record(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

const only = (message: string | null): UpstreamError => ({
  message,
  code: null,
  type: null,
  param: null,
  reasons: [],
});

/** Parses an error body; a body that is not JSON is its own message. */
export function parseUpstreamError(body: string): UpstreamError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return only(text(body.trim()));
  }
  const root = Array.isArray(parsed) ? (parsed[0] as unknown) : parsed;
  const rootObject = record(root);
  if (rootObject === null) return only(text(root));
  const inner = rootObject['error'];
  if (record(inner) === null && inner !== undefined) return only(text(inner));
  const error = record(inner) ?? rootObject;
  const details = Array.isArray(error['details']) ? error['details'] : [];
  const reasons = details
    .map((detail) => text(record(detail)?.['reason']))
    .filter((reason): reason is string => reason !== null);
  const isAnthropic = rootObject['type'] === 'error';
  const numericCode = typeof error['code'] === 'number' ? String(error['code']) : null;
  return {
    message: text(error['message']),
    code:
      text(error['code']) ??
      (isAnthropic ? text(error['type']) : null) ??
      text(error['status']) ??
      numericCode,
    type: text(error['type']),
    param: text(error['param']),
    reasons,
  };
}
