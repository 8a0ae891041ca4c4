// Group multipliers as exact decimals: "1.25" is 12500 ten-thousandths, applied to a cost in nano-USD
// with one rounding, half up. No floats.
import { divideRoundHalfUp } from '../pricing/price-calculator';

/** A multiplier as the API takes it: a decimal string with at most 4 places, no sign, no exponent. */
export const MULTIPLIER_PATTERN = /^(0|[1-9]\d{0,2})(\.\d{1,4})?$/;
export const MAX_MULTIPLIER = '100';
export const DEFAULT_MULTIPLIER = '1';

const SCALE = 10_000n;

/** "1.25" → 12500n (ten-thousandths). Throws RangeError on anything MULTIPLIER_PATTERN refuses. */
export function multiplierToE4(multiplier: string): bigint {
  if (!MULTIPLIER_PATTERN.test(multiplier)) {
    throw new RangeError(`not a multiplier: ${JSON.stringify(multiplier)}`);
  }
  const [whole = '0', fraction = ''] = multiplier.split('.');
  return BigInt(whole) * SCALE + BigInt(fraction.padEnd(4, '0'));
}

/** True for a multiplier the API accepts: 0 < m ≤ 100 with at most 4 decimal places. */
export function isValidMultiplier(value: unknown): value is string {
  if (typeof value !== 'string' || !MULTIPLIER_PATTERN.test(value)) return false;
  const e4 = multiplierToE4(value);
  return e4 > 0n && e4 <= multiplierToE4(MAX_MULTIPLIER);
}

/** The canonical spelling: "1.2500" (as NUMERIC comes back) → "1.25", "2.0" → "2". */
export function normalizeMultiplier(multiplier: string): string {
  const e4 = multiplierToE4(multiplier);
  const fraction = (e4 % SCALE).toString().padStart(4, '0').replace(/0+$/, '');
  return fraction ? `${e4 / SCALE}.${fraction}` : (e4 / SCALE).toString();
}

/** costNano × multiplier, exactly, rounded once half up to whole nano-USD. */
export function applyMultiplier(costNano: bigint, multiplier: string): bigint {
  if (costNano < 0n) throw new RangeError('a cost must not be negative');
  return divideRoundHalfUp(costNano * multiplierToE4(multiplier), SCALE);
}
