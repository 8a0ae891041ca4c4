// Anthropic's error answers, both ways: what an upstream's `{"type":"error","error":{type,message}}`
// means for the key and the request, and how the gateway answers a /v1/messages client in that shape.
import {
  classifyUpstreamError,
  type UpstreamErrorClassifier,
  type UpstreamVerdictKind,
} from '../errors/classify-upstream-error';
import { anthropicEventText } from './event-text';

/**
 * Anthropic's error types and what they mean; the type decides over the status because Anthropic
 * sends `overloaded_error` inside a 200 stream and some proxies relay it with a 500 or 503.
 */
const KIND_BY_TYPE: Record<string, UpstreamVerdictKind> = {
  overloaded_error: 'retry', // 529: the service is busy, not this key
  api_error: 'retry', // 500
  timeout_error: 'retry', // 504
  rate_limit_error: 'rate_limited', // 429
  authentication_error: 'bad_key', // 401
  permission_error: 'bad_key', // 403
  billing_error: 'out_of_credit', // 402 / 400
  invalid_request_error: 'client_error', // 400
  request_too_large: 'client_error', // 413
  not_found_error: 'client_error', // 404
};

/**
 * Anthropic answers an account out of credit with a 400 `invalid_request_error` ("Your credit balance
 * is too low to access the Anthropic API…"), not the 402 `billing_error` of its error table: only the
 * message tells it from a bad request, and another key may well have credit.
 */
const OUT_OF_CREDIT_MESSAGE = /credit balance is too low/i;

/** The shared classifier, with Anthropic's error type taking precedence over the status. */
export const classifyAnthropicError: UpstreamErrorClassifier = (response, now) => {
  const verdict = classifyUpstreamError(response, now);
  const type = verdict.error.type ?? verdict.error.code;
  let kind = type === null ? undefined : KIND_BY_TYPE[type];
  if (kind === 'client_error' && OUT_OF_CREDIT_MESSAGE.test(verdict.error.message ?? ''))
    kind = 'out_of_credit';
  return kind === undefined ? verdict : { ...verdict, kind };
};

/** Anthropic's error type for a status the gateway answers with (its documented status table). */
export function anthropicErrorType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 402) return 'billing_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 413) return 'request_too_large';
  if (status === 429) return 'rate_limit_error';
  if (status === 504) return 'timeout_error';
  if (status === 529 || status === 503) return 'overloaded_error';
  if (status >= 500) return 'api_error';
  return 'invalid_request_error';
}

export interface AnthropicErrorBody {
  type: 'error';
  error: { type: string; message: string };
  request_id: string | null;
}

/** A gateway error as `@anthropic-ai/sdk` reads it (it picks its exception class by status, `error.type` for the caller). */
export function anthropicErrorBody(error: {
  status: number;
  message: string;
  /** An upstream's own Anthropic type, kept when its answer is passed on. */
  type?: string | null;
  requestId?: string | null;
}): AnthropicErrorBody {
  return {
    type: 'error',
    error: { type: error.type ?? anthropicErrorType(error.status), message: error.message },
    request_id: error.requestId ?? null,
  };
}

/** The `error` event that ends a broken Anthropic stream (never followed by message_stop). */
export function anthropicStreamErrorEvent(type: string, message: string): string {
  return anthropicEventText('error', { type: 'error', error: { type, message } });
}
