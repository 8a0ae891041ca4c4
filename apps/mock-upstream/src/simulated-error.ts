import { HttpError } from './http-error';

/** The error the mock answers for the behaviour `status=<status>`, shaped like OpenAI's own. */
export function simulatedError(status: number, retryAfter: number | undefined): HttpError {
  const headers: Record<string, string> =
    retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) };
  const suffix = `(simulated ${status} from mock-upstream)`;
  if (status === 401) {
    return new HttpError(
      status,
      `Incorrect API key provided ${suffix}.`,
      'invalid_request_error',
      null,
      'invalid_api_key',
      headers,
    );
  }
  if (status === 404) {
    return new HttpError(
      status,
      `The model does not exist ${suffix}.`,
      'invalid_request_error',
      'model',
      'model_not_found',
      headers,
    );
  }
  if (status === 429) {
    return new HttpError(
      status,
      `Rate limit reached for requests ${suffix}.`,
      'requests',
      null,
      'rate_limit_exceeded',
      headers,
    );
  }
  if (status >= 500) {
    return new HttpError(
      status,
      `The server had an error while processing your request ${suffix}.`,
      'server_error',
      null,
      'server_error',
      headers,
    );
  }
  return new HttpError(status, `Invalid request ${suffix}.`, 'invalid_request_error', null, null, headers);
}
