// Gemini's errors, both ways: what its error answers mean for the key and the request (the shared
// classifier, wrapped for Google's own signals), the blocked prompt Gemini answers with a 200, and
// the gateway's errors rendered in Google's shape for @google/genai clients.
import { classifyUpstreamError, type UpstreamErrorClassifier } from '../errors/classify-upstream-error';
import { isJsonObject, type JsonObject, parseJsonOrUndefined } from '../json/json-object';
import { RequestValidationError } from '../validation/request-validation-error';

/** The canonical stream error code for a prompt Gemini refused to answer (the client's fault). */
export const PROMPT_BLOCKED_CODE = 'prompt_blocked';

/**
 * Gemini refused the prompt itself (`promptFeedback.blockReason`, sent with a 200 and no
 * candidates): another key or channel would refuse it too, so it is the client's error, answered
 * as a validation error of `contents`, never retried.
 */
export class GeminiPromptBlockedError extends RequestValidationError {
  readonly blockReason: string;

  constructor(blockReason: string, detail?: string) {
    super('contents', blockedPromptMessage(blockReason, detail));
    this.name = 'GeminiPromptBlockedError';
    this.blockReason = blockReason;
  }
}

export function blockedPromptMessage(blockReason: string, detail?: string): string {
  return `The prompt was blocked by the upstream (${blockReason})${detail ? `: ${detail}` : '.'}`;
}

/** `promptFeedback.blockReason` of an answer, when Gemini blocked the prompt. */
export function blockReasonOf(body: unknown): { reason: string; message?: string } | null {
  if (!isJsonObject(body) || !isJsonObject(body['promptFeedback'])) return null;
  const { blockReason, blockReasonMessage } = body['promptFeedback'];
  if (typeof blockReason !== 'string' || blockReason === '') return null;
  return typeof blockReasonMessage === 'string'
    ? { reason: blockReason, message: blockReasonMessage }
    : { reason: blockReason };
}

const RETRY_INFO = 'type.googleapis.com/google.rpc.RetryInfo';
const MAX_RETRY_MS = 86_400_000;

/** Google says how long to wait in a RetryInfo detail (`"retryDelay": "31s"`), not in a header. */
function retryDelayMs(body: unknown): number | null {
  const root = Array.isArray(body) ? (body[0] as unknown) : body;
  if (!isJsonObject(root) || !isJsonObject(root['error'])) return null;
  const details = root['error']['details'];
  if (!Array.isArray(details)) return null;
  for (const detail of details) {
    if (!isJsonObject(detail) || detail['@type'] !== RETRY_INFO) continue;
    const delay = detail['retryDelay'];
    const match = typeof delay === 'string' ? /^(\d+(?:\.\d+)?)s$/.exec(delay.trim()) : null;
    if (match) return Math.min(Math.ceil(Number(match[1]) * 1000), MAX_RETRY_MS);
  }
  return null;
}

/**
 * The shared classifier (which already knows API_KEY_INVALID), plus Google's signals:
 * RESOURCE_EXHAUSTED is a rate limit whatever the status (it waits `RetryInfo.retryDelay` when no
 * `Retry-After` came), and a blocked prompt is the client's error.
 */
export const classifyGeminiError: UpstreamErrorClassifier = (response, now = Date.now()) => {
  const verdict = classifyUpstreamError(response, now);
  const body = parseJsonOrUndefined(response.body);
  if (blockReasonOf(body) !== null) return { ...verdict, kind: 'client_error' };
  if (
    verdict.error.code === 'RESOURCE_EXHAUSTED' &&
    verdict.kind !== 'bad_key' &&
    verdict.kind !== 'out_of_credit'
  ) {
    return { ...verdict, kind: 'rate_limited', retryAfterMs: verdict.retryAfterMs ?? retryDelayMs(body) };
  }
  return verdict;
};

/** HTTP status → the google.rpc status name Google sends beside it. */
export function googleRpcStatus(status: number): string {
  switch (status) {
    case 400:
      return 'INVALID_ARGUMENT';
    case 401:
      return 'UNAUTHENTICATED';
    case 403:
      return 'PERMISSION_DENIED';
    case 404:
      return 'NOT_FOUND';
    case 409:
      return 'ABORTED';
    case 429:
      return 'RESOURCE_EXHAUSTED';
    case 499:
      return 'CANCELLED';
    case 501:
      return 'NOT_IMPLEMENTED';
    case 503:
      return 'UNAVAILABLE';
    case 504:
      return 'DEADLINE_EXCEEDED';
    default:
      return status >= 500 ? 'INTERNAL' : status === 402 ? 'FAILED_PRECONDITION' : 'INVALID_ARGUMENT';
  }
}

export interface GeminiErrorInput {
  status: number;
  message: string;
  /** The gateway's own error code, carried as an ErrorInfo `reason` (Google's place for one). */
  code?: string | null;
}

export interface GeminiErrorBody extends JsonObject {
  error: {
    code: number;
    message: string;
    status: string;
    details?: Array<{ '@type': string; reason: string; domain: string }>;
  };
}

const ERROR_INFO = 'type.googleapis.com/google.rpc.ErrorInfo';

/** A gateway error as Google writes one: `{"error":{code,message,status,details}}`. */
export function geminiErrorBody({ status, message, code }: GeminiErrorInput): GeminiErrorBody {
  return {
    error: {
      code: status,
      message,
      status: googleRpcStatus(status),
      ...(code ? { details: [{ '@type': ERROR_INFO, reason: code, domain: 'gateway' }] } : {}),
    },
  };
}
