// The relay's failures, as API.md's /v1 table names them: status, OpenAI error `code`, `param`.

export enum RelayErrorCode {
  InvalidApiKey = 'invalid_api_key',
  ModelNotAllowed = 'model_not_allowed',
  IpNotAllowed = 'ip_not_allowed',
  ModelNotFound = 'model_not_found',
  InvalidRequest = 'invalid_request_error',
  InsufficientQuota = 'insufficient_quota',
  RateLimitExceeded = 'rate_limit_exceeded',
  UpstreamsRateLimited = 'upstreams_rate_limited',
  UpstreamError = 'upstream_error',
  UpstreamTimeout = 'upstream_timeout',
  ClientClosed = 'client_closed_request',
  Internal = 'internal_error',
}

const STATUS: Record<RelayErrorCode, number> = {
  [RelayErrorCode.InvalidApiKey]: 401,
  [RelayErrorCode.ModelNotAllowed]: 403,
  [RelayErrorCode.IpNotAllowed]: 403,
  [RelayErrorCode.ModelNotFound]: 404,
  [RelayErrorCode.InvalidRequest]: 400,
  [RelayErrorCode.InsufficientQuota]: 402,
  [RelayErrorCode.RateLimitExceeded]: 429,
  [RelayErrorCode.UpstreamsRateLimited]: 429,
  [RelayErrorCode.UpstreamError]: 502,
  [RelayErrorCode.UpstreamTimeout]: 504,
  // nginx's convention for "the client went away"; only ever seen in usage records.
  [RelayErrorCode.ClientClosed]: 499,
  [RelayErrorCode.Internal]: 500,
};

export class RelayError extends Error {
  readonly status: number;

  constructor(
    readonly code: RelayErrorCode | string,
    message: string,
    readonly extra: { status?: number; param?: string | null; retryAfterMs?: number; type?: string } = {},
  ) {
    super(message);
    this.name = 'RelayError';
    this.status = extra.status ?? STATUS[code as RelayErrorCode] ?? 502;
  }
}

/** OpenAI's error `type` for a status, as its SDKs expect. */
export function openAiErrorType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 402) return 'insufficient_quota';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}
