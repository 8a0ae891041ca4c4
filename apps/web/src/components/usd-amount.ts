// USD amounts as the api accepts them: decimal strings (never floats) with at most 9 decimals, and
// exact arithmetic on them in whole nano-USD.

/** A price or a quota: up to 12 integer digits. */
export const USD_AMOUNT = /^(0|[1-9]\d{0,11})(\.\d{1,9})?$/;
/** Money moved by hand (a top-up, a credit note, a code, a plan's fee): 0 to 1,000,000. */
export const USD_UP_TO_1M = /^(0|[1-9]\d{0,6})(\.\d{1,9})?$/;
/** The same with a sign, for a correction that may take money away. */
export const SIGNED_USD_UP_TO_1M = /^-?(0|[1-9]\d{0,6})(\.\d{1,9})?$/;

const NANO_PER_USD = 1_000_000_000n;

/** "0.04" → 40,000,000n: whole nano-USD, exact (a valid USD_AMOUNT has at most 9 decimals). */
export function usdToNano(usd: string): bigint {
  const [whole = '0', fraction = ''] = usd.split('.');
  return BigInt(whole) * NANO_PER_USD + BigInt(fraction.padEnd(9, '0'));
}

/** 40,000,000n → "0.04": the shortest decimal string, no trailing zeros. */
export function nanoToUsd(nanoUsd: bigint): string {
  const whole = nanoUsd / NANO_PER_USD;
  const fraction = (nanoUsd % NANO_PER_USD).toString().padStart(9, '0').replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : `${whole}`;
}
