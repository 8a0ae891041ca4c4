// The error when no attempt answered: rate limits, timeouts, or failures, as docs/api.md's table says.
import { RelayError, RelayErrorCode } from '../../relay.errors';
import type { UsageDraft } from '../../relay/usage-draft';

const MINUTE_MS = 60_000;

/** What the failover loop saw of the keys it passed over and the channels it tried. */
export interface PassedOver {
  /**
   * When the first key passed over (cooling, or capped until its windows roll over) or cooled on
   * the way recovers (ms epoch), or null.
   */
  soonest: number | null;
  cooling: number;
  capped: number;
  tried: string[];
}

export function exhaustedError(draft: UsageDraft, seen: PassedOver, now: number): RelayError {
  const failures = draft.fallbacks;
  const coolingWait = seen.soonest !== null ? Math.max(1000, seen.soonest - now) : 1000;
  if (failures.length === 0) {
    // The wait is the first key's to recover, a capped one's as well as a cooling one's.
    if (seen.cooling > 0 || seen.capped > 0) {
      const why =
        seen.capped === 0
          ? 'is cooling down after rate limits'
          : seen.cooling === 0
            ? 'is at its rate limit'
            : 'is cooling down or at its rate limit';
      return new RelayError(
        RelayErrorCode.UpstreamsRateLimited,
        `every upstream key for ${draft.model} ${why}`,
        {
          retryAfterMs: seen.soonest !== null ? coolingWait : MINUTE_MS - (now % MINUTE_MS),
        },
      );
    }
    return new RelayError(RelayErrorCode.UpstreamError, `no upstream key is available for ${draft.model}`);
  }
  if (failures.every((f) => f.code === 'rate_limited')) {
    return new RelayError(
      RelayErrorCode.UpstreamsRateLimited,
      `every upstream for ${draft.model} is rate limited (${seen.tried.join(', ')})`,
      { retryAfterMs: coolingWait },
    );
  }
  if (failures.every((f) => f.code === 'timeout')) {
    return new RelayError(
      RelayErrorCode.UpstreamTimeout,
      `the upstream did not answer in time (tried ${seen.tried.join(', ')})`,
    );
  }
  const reasons = failures.map((f) => `${f.channelName}: ${f.status ?? f.code}`).join('; ');
  const last = draft.errorMessage ? ` Last error: ${draft.errorMessage}` : '';
  return new RelayError(RelayErrorCode.UpstreamError, `every upstream failed (${reasons}).${last}`);
}
