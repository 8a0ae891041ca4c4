// What the relay does with an upstream's error answer. The meaning comes from the providers'
// classification (the one the channels' probes follow too); the relay only maps it onto failover:
// move on to another candidate, cooling the key on a rate limit, or hand the answer to the client.
import {
  isContextLengthError,
  maskSecrets,
  type UpstreamError,
  type UpstreamVerdict,
} from '@gateway/providers';
import type { Rejected, Retry } from './attempt-outcome';

const MAX_MESSAGE = 1000;

/** The upstream's words as a client or a log line may see them: every secret masked, cut short. */
export interface MaskedUpstreamError {
  message: string;
  code: string | null;
  param: string | null;
  type: string | null;
}

export function maskUpstreamError(error: UpstreamError, secrets: readonly string[]): MaskedUpstreamError {
  const masked = (value: string | null) => (value === null ? null : maskSecrets(value, secrets));
  return {
    message: (masked(error.message) ?? 'the upstream gave no reason').slice(0, MAX_MESSAGE),
    code: masked(error.code),
    param: masked(error.param),
    type: masked(error.type),
  };
}

/**
 * An upstream status the relay does not read: neither a success (2xx) to deliver nor an error (4xx,
 * 5xx) the classification judges. A redirect (a base URL that moved; a key is never sent after one)
 * or a status past 599 is no answer for the client and not its fault: judged as a broken answer, so
 * another candidate is tried. Null for the statuses the relay reads.
 */
export function unreadableStatus(status: number): Retry | null {
  if ((status >= 200 && status < 300) || (status >= 400 && status < 600)) return null;
  return {
    kind: 'retry',
    // A usage record keeps HTTP statuses (100-599) only.
    upstreamStatus: status < 600 ? status : null,
    reason: 'bad_response',
    message: `the upstream answered with status ${status}, neither an answer nor an error`,
  };
}

/** A Retry that also says how long the upstream asked to wait (for the key's cooldown). */
export type JudgedRetry = Retry & { retryAfterMs?: number | null; wholeKey?: boolean };

/**
 * | verdict               | the attempt                                                           |
 * | --------------------- | --------------------------------------------------------------------- |
 * | rate_limited          | retry `rate_limited`: the model on the key cools (the whole key when  |
 * |                       | the upstream says so), for Retry-After, else a backoff                |
 * | bad_key               | retry `key_rejected`: another key may work; the key is refused at once |
 * | out_of_credit         | retry `out_of_credit`: another key may work; the key cools long       |
 * |                       | (RELAY_OUT_OF_CREDIT_COOLDOWN_MS), never counted as a rate limit      |
 * | model_refused         | retry `model_refused`: another key may have access; the model cools   |
 * |                       | on the key as long, the key kept for its other models                 |
 * | retry, client_error   | retry `server_error` when the status is one of the retry statuses     |
 * |                       | (the operator's RELAY_RETRY_STATUSES), else the answer goes to the     |
 * |                       | client as it is                                                       |
 */
export function judgeUpstreamError(
  status: number,
  verdict: UpstreamVerdict,
  retryStatuses: ReadonlySet<number>,
  secrets: readonly string[],
): JudgedRetry | Rejected {
  const said = maskUpstreamError(verdict.error, secrets);
  const retry = (reason: string): JudgedRetry => ({
    kind: 'retry',
    upstreamStatus: status,
    reason,
    message: `${status}: ${said.message}`,
  });
  switch (verdict.kind) {
    case 'rate_limited':
      return {
        ...retry('rate_limited'),
        retryAfterMs: verdict.retryAfterMs,
        wholeKey: verdict.wholeKey === true,
      };
    case 'bad_key':
      return retry('key_rejected');
    case 'out_of_credit':
      return retry('out_of_credit');
    case 'model_refused':
      return retry('model_refused');
    case 'retry':
    case 'client_error':
      if (retryStatuses.has(status)) return retry('server_error');
      // Without a code (vLLM's is the status, a number), a prompt past the context says so in words
      // only: said as OpenAI does.
      if ((said.code === null || /^\d+$/.test(said.code)) && isContextLengthError(verdict.error))
        return rejected(status, said, 'context_length_exceeded', said.param ?? 'messages');
      return rejected(
        status,
        said,
        said.code ?? (status === 404 ? 'model_not_found' : 'invalid_request_error'),
      );
  }
}

function rejected(status: number, said: MaskedUpstreamError, code: string, param = said.param): Rejected {
  return { kind: 'rejected', status, code, message: said.message, param, type: said.type };
}
