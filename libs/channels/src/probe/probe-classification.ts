// What a probe's outcome says about a key. Decided by HTTP status and the provider's error code,
// never by looking for digits in a message.
import type { KeyHealth } from '../entities/channel-key.entity';
import type { UpstreamError } from './upstream-error';

export type ProbeHealth = Exclude<KeyHealth, 'unknown'>;

/** Error codes meaning "this key cannot be used until a human acts", whatever the status. */
const KEY_UNUSABLE_CODES = new Set([
  'insufficient_quota', // OpenAI: billing quota exhausted (sent with 429, but waiting does not help)
  'invalid_api_key', // OpenAI-compatible servers that answer it with 400
  'authentication_error', // Anthropic
  'permission_error', // Anthropic
  'billing_error', // Anthropic
]);

/** Gemini answers a bad key with 400 INVALID_ARGUMENT; the reason tells it apart from a bad request. */
const KEY_UNUSABLE_REASONS = new Set(['API_KEY_INVALID', 'API_KEY_SERVICE_BLOCKED']);

/**
 * | outcome                                                     | health        |
 * | ----------------------------------------------------------- | ------------- |
 * | 2xx                                                         | healthy       |
 * | 401, 402, 403                                               | invalid       |
 * | any status with a key-unusable code (insufficient_quota …)  | invalid       |
 * | 400 with Gemini reason API_KEY_INVALID                      | invalid       |
 * | 429 otherwise                                               | rate_limited  |
 * | other 4xx (404 model, 400 request…), 5xx, timeout, network  | error         |
 */
export function classifyResponse(status: number, error: UpstreamError | null): ProbeHealth {
  if (status >= 200 && status < 300) return 'healthy';
  const code = error?.code ?? null;
  const type = error?.type ?? null;
  if (status === 401 || status === 402 || status === 403) return 'invalid';
  if ((code && KEY_UNUSABLE_CODES.has(code)) || (type && type === 'insufficient_quota')) return 'invalid';
  if (error?.reasons.some((reason) => KEY_UNUSABLE_REASONS.has(reason))) return 'invalid';
  if (status === 429) return 'rate_limited';
  return 'error';
}
