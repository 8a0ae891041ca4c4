// What one upstream attempt came to, as the relay's failover loop needs to know it.
import type { MeteredUsage } from '@gateway/billing';
import type { Usage, UsageSource } from '@gateway/providers';

/** The answer reached the client (fully, or a stream that started); the request is over. */
export interface Served {
  kind: 'served';
  status: number;
  usage: Usage | null;
  usageSource: UsageSource | 'none';
  firstContentAt: number | null;
  /** Set when a started stream did not end cleanly (drop, stall, client gone). */
  errorCode: string | null;
  errorMessage: string | null;
  /** A media route's use (images, audio seconds, characters, tokens), which its price bills. */
  metered?: MeteredUsage;
}

/**
 * Worth another candidate: a rate limit, a retryable status, a refused key, an account out of
 * credit, a timeout or a connect error (see judge-upstream-error.ts).
 */
export interface Retry {
  kind: 'retry';
  /** Upstream status, or null when no response came. */
  upstreamStatus: number | null;
  /**
   * `rate_limited` | `server_error` | `key_rejected` | `out_of_credit` | `model_refused` | `timeout`
   * | `connect_error` | `bad_response`.
   */
  reason: string;
  message: string;
}

/** The upstream judged the request itself (400, 404, 413, 422…): pass its answer on, don't retry. */
export interface Rejected {
  kind: 'rejected';
  status: number;
  code: string;
  message: string;
  param: string | null;
  type: string | null;
}

/** The client went away before anything was sent. */
export interface Abandoned {
  kind: 'abandoned';
}

export type AttemptOutcome = Served | Retry | Rejected | Abandoned;
