// The relay's failures, as docs/api.md's /v1 table names them: status, OpenAI error `code`, `param`.
import { DomainError, domainErrorCodes } from '@gateway/common';

// The messages are fallbacks: the relay says what exactly failed for the request at hand.
const RELAY_ERRORS = {
  InvalidApiKey: {
    code: 'invalid_api_key',
    status: 401,
    message: 'the API key is missing, invalid or disabled',
  },
  ModelNotAllowed: { code: 'model_not_allowed', status: 403, message: 'this key may not use this model' },
  IpNotAllowed: {
    code: 'ip_not_allowed',
    status: 403,
    message: 'this key may not be used from this address',
  },
  ModelNotFound: { code: 'model_not_found', status: 404, message: 'the model does not exist for this key' },
  InvalidRequest: { code: 'invalid_request_error', status: 400, message: 'the request is not valid' },
  RequestTooLarge: { code: 'request_too_large', status: 413, message: 'the request body is too large' },
  InsufficientQuota: {
    code: 'insufficient_quota',
    status: 402,
    message: 'the quota or balance is exhausted',
  },
  RateLimitExceeded: {
    code: 'rate_limit_exceeded',
    status: 429,
    message: "this key's rate limit is reached",
  },
  UpstreamsRateLimited: {
    code: 'upstreams_rate_limited',
    status: 429,
    message: 'every upstream is rate limited',
  },
  UpstreamError: { code: 'upstream_error', status: 502, message: 'every upstream failed' },
  UpstreamResponseTooLarge: {
    code: 'upstream_response_too_large',
    status: 502,
    message: "the upstream's answer is larger than the gateway holds to translate",
  },
  UpstreamTimeout: { code: 'upstream_timeout', status: 504, message: 'the upstream timed out' },
  // nginx's convention for "the client went away"; only ever seen in usage records.
  ClientClosed: { code: 'client_closed_request', status: 499, message: 'the client closed the connection' },
  // Redis (holds, limits) did not answer in time: nothing is admitted without it.
  StoreUnavailable: {
    code: 'store_unavailable',
    status: 503,
    message: 'the gateway cannot reach its store; retry shortly',
  },
  Internal: { code: 'internal_error', status: 500, message: 'the gateway failed to handle this request' },
} as const;

export const RelayErrorCode = domainErrorCodes(RELAY_ERRORS);

/** What a relay failure may carry besides its code and message. */
export interface RelayErrorExtra {
  /** An upstream's own status, when its rejection is passed on under its own code. */
  status?: number;
  param?: string | null;
  retryAfterMs?: number;
  /** An upstream's own OpenAI `type`, passed on with its rejection. */
  type?: string;
}

/** A relay code, or an upstream's own code when the relay passes an upstream's rejection on. */
export class RelayError extends DomainError {
  readonly upstreamType?: string;

  constructor(code: string, message?: string, extra: RelayErrorExtra = {}) {
    const entry = Object.values(RELAY_ERRORS).find((e) => e.code === code);
    super(
      code,
      // An upstream's code is in no table: its own status comes with it; failing that, a bad gateway.
      extra.status ?? entry?.status ?? 502,
      message ?? entry?.message ?? 'the upstream refused the request',
      { param: extra.param, retryAfterMs: extra.retryAfterMs },
    );
    if (extra.type !== undefined) this.upstreamType = extra.type;
  }
}
