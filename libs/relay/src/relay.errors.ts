// The relay's failures, as API.md's /v1 table names them: status, OpenAI error `code`, `param`.
import { DomainError, type DomainErrorEntry, type DomainErrorTable } from '@gateway/common';

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

// The messages are fallbacks: the relay says what exactly failed for the request at hand.
const RELAY_ERRORS: DomainErrorTable<RelayErrorCode> = {
  [RelayErrorCode.InvalidApiKey]: { status: 401, message: 'the API key is missing, invalid or disabled' },
  [RelayErrorCode.ModelNotAllowed]: { status: 403, message: 'this key may not use this model' },
  [RelayErrorCode.IpNotAllowed]: { status: 403, message: 'this key may not be used from this address' },
  [RelayErrorCode.ModelNotFound]: { status: 404, message: 'the model does not exist for this key' },
  [RelayErrorCode.InvalidRequest]: { status: 400, message: 'the request is not valid' },
  [RelayErrorCode.InsufficientQuota]: { status: 402, message: 'the quota or balance is exhausted' },
  [RelayErrorCode.RateLimitExceeded]: { status: 429, message: "this key's rate limit is reached" },
  [RelayErrorCode.UpstreamsRateLimited]: { status: 429, message: 'every upstream is rate limited' },
  [RelayErrorCode.UpstreamError]: { status: 502, message: 'every upstream failed' },
  [RelayErrorCode.UpstreamTimeout]: { status: 504, message: 'the upstream timed out' },
  // nginx's convention for "the client went away"; only ever seen in usage records.
  [RelayErrorCode.ClientClosed]: { status: 499, message: 'the client closed the connection' },
  [RelayErrorCode.Internal]: { status: 500, message: 'the gateway failed to handle this request' },
};

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
export class RelayError extends DomainError<RelayErrorCode | string> {
  readonly upstreamType?: string;

  constructor(code: RelayErrorCode | string, message?: string, extra: RelayErrorExtra = {}) {
    const entry: DomainErrorEntry | undefined = RELAY_ERRORS[code as RelayErrorCode];
    super(
      code,
      // An upstream's code is in no table: its own status comes with it; failing that, a bad gateway.
      {
        status: extra.status ?? entry?.status ?? 502,
        message: entry?.message ?? 'the upstream refused the request',
      },
      message,
      { param: extra.param, retryAfterMs: extra.retryAfterMs },
    );
    if (extra.type !== undefined) this.upstreamType = extra.type;
  }
}
