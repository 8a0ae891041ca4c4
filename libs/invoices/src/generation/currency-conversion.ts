// USD amounts stated in the invoice's currency, exactly: an amount of nano-USD times a rate with at
// most 6 decimals is a rational number; it is rounded once, half away from zero, to the currency's
// minor unit (0.01 CNY, 1 JPY). The ledger stays in USD; these numbers exist only on the invoice.
import { minorToDecimal } from '@gateway/common';
import type { StoredConversion } from '../entities/invoice.entity';
import { taxOn } from './tax';

const RATE = /^\d{1,7}(\.\d{1,6})?$/;
const RATE_SCALE = 1_000_000n;
const NANO = 1_000_000_000n;

/** The rounding rule as printed on the invoice. */
export const ROUNDING_RULE =
  'each amount converted at the rate and rounded half away from zero to the minor unit; subtotal = sum of converted lines; tax on the converted subtotal, rounded the same way';

/** nano-USD × rate → minor units of the currency (`digits` after the point), half away from zero. */
export function convertNano(nano: bigint, rate: string, digits: number): bigint {
  if (!RATE.test(rate)) throw new RangeError(`not an exchange rate: ${JSON.stringify(rate)}`);
  const [whole = '0', fraction = ''] = rate.split('.');
  const scaledRate = BigInt(whole) * RATE_SCALE + BigInt(fraction.padEnd(6, '0'));
  const denominator = NANO * RATE_SCALE;
  const negative = nano < 0n;
  const numerator = (negative ? -nano : nano) * scaledRate * 10n ** BigInt(digits);
  const rounded = (numerator * 2n + denominator) / (denominator * 2n);
  return negative ? -rounded : rounded;
}

/** The invoice's lines, subtotal, tax and total in its currency. */
export function convertInvoice(
  lineNano: readonly bigint[],
  rate: string,
  digits: number,
  taxRate: string,
): StoredConversion {
  const lines = lineNano.map((nano) => convertNano(nano, rate, digits));
  const subtotal = lines.reduce((sum, line) => sum + line, 0n);
  // taxOn works on any integer unit: here the minor unit, rounded half away from zero like the lines.
  const tax = taxOn(subtotal, taxRate);
  return {
    minorDigits: digits,
    lineMinor: lines.map(String),
    subtotalMinor: subtotal.toString(),
    taxMinor: tax.toString(),
    totalMinor: (subtotal + tax).toString(),
  };
}

/** Minor units as the invoice prints them ("123.45"). */
export function minorText(minor: string | bigint, digits: number): string {
  return minorToDecimal(BigInt(minor), digits);
}
