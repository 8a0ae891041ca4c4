// Money is integer nano-USD (1 USD = 1e9 nano) in bigint, never a float. The API speaks decimal strings.
import type { ValueTransformer } from 'typeorm';

export const NANO_PER_USD = 1_000_000_000n;
const DECIMAL_USD = /^(0|[1-9]\d{0,11})(\.\d{1,9})?$/;

/** "12.345" → 12345000000n. Throws on anything that is not a non-negative decimal with ≤ 9 places. */
export function usdToNano(usd: string): bigint {
  if (!DECIMAL_USD.test(usd)) throw new RangeError(`not a USD amount: ${JSON.stringify(usd)}`);
  const [whole = '0', fraction = ''] = usd.split('.');
  return BigInt(whole) * NANO_PER_USD + BigInt(fraction.padEnd(9, '0'));
}

export function isUsdAmount(value: unknown): value is string {
  return typeof value === 'string' && DECIMAL_USD.test(value);
}

/** 12345000000n → "12.345" (trailing zeros trimmed, at least one digit after a dot only when needed). */
export function nanoToUsd(nano: bigint): string {
  const negative = nano < 0n;
  const abs = negative ? -nano : nano;
  const whole = abs / NANO_PER_USD;
  const fraction = (abs % NANO_PER_USD).toString().padStart(9, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

/** bigint columns come back from pg as strings; keep them bigint in entities. */
export const bigintTransformer: ValueTransformer = {
  to: (value: bigint | null | undefined) =>
    value === null || value === undefined ? value : value.toString(),
  from: (value: string | null) => (value === null ? null : BigInt(value)),
};
