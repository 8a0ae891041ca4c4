import { HttpError } from '../http-error';
import { headerKey } from '../openai-format';
import { bearerToken } from '../request-headers';
import { retryAfterHeaders, type WireFormat } from '../wire-format';

/** Anthropic's error types by status (https://docs.anthropic.com/en/api/errors). */
const ERROR_TYPES: Readonly<Record<number, string>> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

const ANTHROPIC_TYPES = new Set(Object.values(ERROR_TYPES));

function errorType(error: HttpError): string {
  if (ANTHROPIC_TYPES.has(error.type)) return error.type;
  return ERROR_TYPES[error.status] ?? (error.status >= 500 ? 'api_error' : 'invalid_request_error');
}

const SIMULATED_MESSAGES: Readonly<Record<string, string>> = {
  authentication_error: 'invalid x-api-key',
  permission_error: 'Your API key does not have permission to use the specified resource.',
  not_found_error: 'model: mock-claude',
  rate_limit_error: 'Number of request tokens has exceeded your per-minute rate limit',
  api_error: 'Internal server error',
  overloaded_error: 'Overloaded',
};

/**
 * Anthropic's Messages API: the key in `x-api-key` (or `Authorization: Bearer`, which the SDK's 1.x
 * sends for an API key too), an `anthropic-version` header required,
 * errors as `{"type":"error","error":{"type","message"},"request_id"}`, and streams of named events
 * (`event: <type>`) with no terminator after `message_stop`.
 */
export const ANTHROPIC_FORMAT: WireFormat = {
  name: 'anthropic',
  requestIdHeader: 'request-id',
  apiKey: (req) => headerKey(req.headers['x-api-key']) ?? bearerToken(req.headers.authorization),
  missingKey: () => new HttpError(401, 'x-api-key header is required', 'authentication_error'),
  checkHeaders: (req) => {
    if (headerKey(req.headers['anthropic-version']) === undefined) {
      throw new HttpError(400, 'anthropic-version: header is required', 'invalid_request_error');
    }
  },
  simulatedError: (status, retryAfter) => {
    const type = ERROR_TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
    const message = SIMULATED_MESSAGES[type] ?? `Invalid request`;
    return new HttpError(
      status,
      `${message} (simulated ${status} from mock-upstream)`,
      type,
      null,
      null,
      retryAfterHeaders(retryAfter),
    );
  },
  contextError: (promptTokens, context) =>
    new HttpError(
      400,
      `prompt is too long: ${promptTokens} tokens > ${context} maximum`,
      'invalid_request_error',
    ),
  errorBody: (error, seq) => ({
    type: 'error',
    error: { type: errorType(error), message: error.message },
    request_id: `req_mock_${seq}`,
  }),
  stream: {
    frame: (chunk) => `event: ${eventName(chunk)}\ndata: ${JSON.stringify(chunk)}\n\n`,
    errorChunk: () => ({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }),
  },
};

function eventName(chunk: object): string {
  return 'type' in chunk && typeof chunk.type === 'string' ? chunk.type : 'message';
}
