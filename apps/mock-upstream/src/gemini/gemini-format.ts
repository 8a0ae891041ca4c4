import { HttpError } from '../http-error';
import { headerKey } from '../openai-format';
import { retryAfterHeaders, type WireFormat } from '../wire-format';

/** google.rpc.Code names by HTTP status, as the Gemini API reports them in `error.status`. */
const STATUS_NAMES: Readonly<Record<number, string>> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  501: 'UNIMPLEMENTED',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

const GOOGLE_STATUS = /^[A-Z_]+$/;
const ERROR_INFO = 'type.googleapis.com/google.rpc.ErrorInfo';

function statusName(error: HttpError): string {
  if (GOOGLE_STATUS.test(error.type)) return error.type;
  return STATUS_NAMES[error.status] ?? (error.status >= 500 ? 'INTERNAL' : 'FAILED_PRECONDITION');
}

/** A Gemini error; `reason` becomes the google.rpc.ErrorInfo detail clients branch on (API_KEY_INVALID). */
export function geminiError(
  status: number,
  message: string,
  reason?: string,
  headers: Readonly<Record<string, string>> = {},
): HttpError {
  return new HttpError(status, message, STATUS_NAMES[status] ?? 'UNKNOWN', null, reason ?? null, headers);
}

function details(error: HttpError): object[] {
  const list: object[] = [];
  if (GOOGLE_STATUS.test(error.code ?? '')) {
    list.push({
      '@type': ERROR_INFO,
      reason: error.code,
      domain: 'googleapis.com',
      metadata: { service: 'generativelanguage.googleapis.com' },
    });
  }
  const retryAfter = error.headers['retry-after'];
  if (error.status === 429 && retryAfter !== undefined) {
    list.push({ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${retryAfter}s` });
  }
  return list;
}

function simulatedMessage(status: number): string {
  if (status === 429) return 'You exceeded your current quota, please check your plan and billing details.';
  if (status === 503) return 'The model is overloaded. Please try again later.';
  if (status === 404) return 'models/mock-gemini is not found for API version v1beta.';
  if (status === 403) return 'Permission denied on resource.';
  if (status >= 500)
    return 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting';
  return 'Request contains an invalid argument.';
}

/**
 * The Gemini API: the key in `x-goog-api-key` or `?key=`, errors as
 * `{"error":{"code","message","status","details"}}` (a bad key is 400 INVALID_ARGUMENT with reason
 * API_KEY_INVALID, never 401), and `alt=sse` streams of `data:` chunks separated by CRLF pairs,
 * with no terminator.
 */
export const GEMINI_FORMAT: WireFormat = {
  name: 'gemini',
  apiKey: (req, query) =>
    headerKey(req.headers['x-goog-api-key']) ?? headerKey(query.get('key') ?? undefined),
  missingKey: () =>
    geminiError(
      403,
      "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
    ),
  simulatedError: (status, retryAfter) => {
    const headers = retryAfterHeaders(retryAfter);
    const suffix = `(simulated ${status} from mock-upstream)`;
    if (status === 401) {
      return geminiError(
        400,
        `API key not valid. Please pass a valid API key. ${suffix}`,
        'API_KEY_INVALID',
        headers,
      );
    }
    return geminiError(status, `${simulatedMessage(status)} ${suffix}`, undefined, headers);
  },
  contextError: (promptTokens, context) =>
    geminiError(
      400,
      `The input token count (${promptTokens}) exceeds the maximum number of tokens allowed (${context}).`,
    ),
  errorBody: (error) => {
    const list = details(error);
    return {
      error: {
        code: error.status,
        message: error.message,
        status: statusName(error),
        ...(list.length > 0 ? { details: list } : {}),
      },
    };
  },
  stream: {
    frame: (chunk) => `data: ${JSON.stringify(chunk)}\r\n\r\n`,
    errorChunk: () => ({
      error: {
        code: 503,
        message: 'The model is overloaded. Please try again later.',
        status: 'UNAVAILABLE',
      },
    }),
  },
};
