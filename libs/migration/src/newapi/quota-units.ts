// NewAPI / one-api count money in quota units: QuotaPerUnit units (500,000 unless the options table
// says otherwise) are one USD. Here they become integer nano-USD, exactly:
//   nano = units × 1e9 / QuotaPerUnit
// When that is not whole the result is rounded DOWN (toward zero): an imported balance or token cap
// is never more than the source held, and the report lists every amount that lost a fraction.
// An amount beyond what this gateway lets one line or one token hold (some shops keep a huge quota
// as "unlimited") is brought to that limit, and the report names it.
import { DEFAULT_QUOTA_PER_UNIT, Exact, exactDecimal } from '@gateway/billing';
import { usdToNano } from '@gateway/db';

const NANO_PER_USD = 1_000_000_000n;

export interface QuotaRate {
  /** As the options table spells it, for the report. */
  text: string;
  exact: Exact;
}

export function quotaRate(optionValue: string | undefined): QuotaRate {
  const trimmed = optionValue?.trim();
  if (!trimmed) return { text: String(DEFAULT_QUOTA_PER_UNIT), exact: exactDecimal(DEFAULT_QUOTA_PER_UNIT) };
  const value = Number(trimmed);
  if (!Number.isFinite(value) || value <= 0)
    throw new RangeError(`QuotaPerUnit must be a number > 0, not ${trimmed}`);
  return { text: trimmed, exact: exactDecimal(value) };
}

export interface ConvertedQuota {
  nano: bigint;
  /** True when a fraction of a nano-USD was dropped. */
  rounded: boolean;
}

export function quotaToNano(units: bigint, rate: QuotaRate): ConvertedQuota {
  const numerator = units * NANO_PER_USD * rate.exact.denominator;
  const denominator = rate.exact.numerator;
  // BigInt division truncates toward zero: down for the balances and caps imported here.
  return { nano: numerator / denominator, rounded: numerator % denominator !== 0n };
}

/** `nano` brought within ±`limitUsd`, or unchanged when it already is. */
export function withinLimit(nano: bigint, limitUsd: string): bigint {
  const limit = usdToNano(limitUsd);
  return nano > limit ? limit : nano < -limit ? -limit : nano;
}
