// What an upstream's error answer means for the key that got it and for the request: the one
// reading of it that the relay (failover, cooldowns) and the channels' probes (key health) share.
// Decided by status and the provider's error code, never by digits in a message; a fixed phrase of
// the message only where the provider gives no code for what it means (OpenAI's "Request too large",
// Anthropic's "credit balance is too low"). An adapter may classify its provider's answers itself
// (ProviderAdapter.classifyError); this is the default.
import type { HttpHeaders } from '../http/http-headers';
import { bodyResetAfterMs, retryAfterMs } from './retry-after';
import { parseUpstreamError, type UpstreamError } from './upstream-error';

/**
 * - `retry`: transient (408, 5xx); another key or channel may answer.
 * - `rate_limited`: the key is busy (429); it recovers after `retryAfterMs` or a backoff.
 * - `bad_key`: the key is refused (401, 403, or a bad-key code whatever the status); no wait helps.
 * - `out_of_credit`: the key's account is out of money or quota (402, OpenAI's `insufficient_quota`
 *   even on a 429): no wait helps either, so it is not a rate limit.
 * - `model_refused`: the key may not use this model (OpenAI's 403 `model_not_found`: its project has
 *   no access to it), though it is good for its others; another key may have access.
 * - `client_error`: the request itself is wrong (400, 404, 413, 422…); another key would say the same.
 *   OpenAI's 429 "Request too large … on tokens per min" is one: the request is larger than the key's
 *   whole per-minute allowance (Groq says the same with a 413), and waiting does not shrink it.
 */
export const UPSTREAM_VERDICT_KINDS = [
  'retry',
  'rate_limited',
  'bad_key',
  'out_of_credit',
  'model_refused',
  'client_error',
] as const;
export type UpstreamVerdictKind = (typeof UPSTREAM_VERDICT_KINDS)[number];

/** An upstream's answer with an error status (4xx, 5xx). */
export interface UpstreamErrorResponse {
  status: number;
  headers: HttpHeaders;
  /** The body as read (possibly cut at a byte limit). */
  body: string;
}

export interface UpstreamVerdict {
  kind: UpstreamVerdictKind;
  /** How long the upstream asked to wait (`Retry-After`), null when it did not say. */
  retryAfterMs: number | null;
  /** What the upstream said, parsed; not masked. */
  error: UpstreamError;
  /**
   * A rate limit on the whole key (account), not only on the model asked: every model of the key
   * waits. Absent or false: the limit is the model's on this key.
   */
  wholeKey?: boolean;
}

export type UpstreamErrorClassifier = (response: UpstreamErrorResponse, now?: number) => UpstreamVerdict;

/** Codes (or OpenAI/Anthropic types) that say the account has no money or quota left. */
const OUT_OF_CREDIT_CODES = new Set([
  'insufficient_quota', // OpenAI, sent with a 429
  'billing_error', // Anthropic
]);

/** Codes that say the key itself is refused, whatever the status. */
const BAD_KEY_CODES = new Set([
  'invalid_api_key', // OpenAI; OpenAI-compatible servers that send it with a 400
  'authentication_error', // Anthropic
  'permission_error', // Anthropic
]);

/**
 * OpenAI's 429 for a request larger than the key's whole tokens-per-minute allowance ("Request too
 * large for gpt-4o in organization … on tokens per min (TPM): Limit 30000, Requested 36575"): the
 * key is not busy, and cooling it would bench it for the requests that fit.
 */
const TOO_LARGE_FOR_THE_KEY = /^request too large\b/i;

/** Google answers a bad key with 400 INVALID_ARGUMENT; the detail's reason tells it from a bad request. */
const BAD_KEY_REASONS = new Set(['API_KEY_INVALID', 'API_KEY_SERVICE_BLOCKED']);

/**
 * | answer                                                          | kind          |
 * | --------------------------------------------------------------- | ------------- |
 * | 402, or any status with `insufficient_quota` / `billing_error`  | out_of_credit |
 * | 403 with `model_not_found`                                      | model_refused |
 * | 401, 403, or any status with a bad-key code or Google reason    | bad_key       |
 * | 429 "Request too large" (larger than the key's whole minute)    | client_error  |
 * | 429 otherwise                                                   | rate_limited  |
 * | 408, 5xx                                                        | retry         |
 * | other 4xx                                                       | client_error  |
 */
export function upstreamVerdictKind(status: number, error: UpstreamError): UpstreamVerdictKind {
  const marks = [error.code, error.type].filter((mark): mark is string => mark !== null);
  if (status === 402 || marks.some((mark) => OUT_OF_CREDIT_CODES.has(mark))) return 'out_of_credit';
  if (status === 403 && error.code === 'model_not_found') return 'model_refused';
  if (
    status === 401 ||
    status === 403 ||
    marks.some((mark) => BAD_KEY_CODES.has(mark)) ||
    error.reasons.some((reason) => BAD_KEY_REASONS.has(reason))
  ) {
    return 'bad_key';
  }
  if (status === 429)
    return TOO_LARGE_FOR_THE_KEY.test(error.message ?? '') ? 'client_error' : 'rate_limited';
  if (status === 408 || status >= 500) return 'retry';
  return 'client_error';
}

/**
 * Markers of a limit that counts every model of the key together: OpenRouter's daily and per-minute
 * caps on free models are per account, whichever free model is asked.
 */
const WHOLE_KEY_MARKERS = ['free-models-per-day', 'free-models-per-min'];

/** Whether a rate-limit answer says the whole key (account) is limited, not only the model asked. */
export function limitsWholeKey(error: UpstreamError): boolean {
  const said = `${error.code ?? ''} ${error.message ?? ''}`.toLowerCase();
  return WHOLE_KEY_MARKERS.some((marker) => said.includes(marker));
}

/**
 * The shared default classifier: parses the body, reads `Retry-After` (or a reset the body gives),
 * applies the table above.
 */
export const classifyUpstreamError: UpstreamErrorClassifier = (response, now = Date.now()) => {
  const error = parseUpstreamError(response.body);
  const kind = upstreamVerdictKind(response.status, error);
  const headerWait = retryAfterMs(response.headers, now);
  return {
    kind,
    retryAfterMs: headerWait ?? (kind === 'rate_limited' ? bodyResetAfterMs(response.body, now) : null),
    error,
    wholeKey: kind === 'rate_limited' && limitsWholeKey(error),
  };
};
