// What a provider charges for a USD credit: amountUsd × rate, in the currency's minor units, rounded
// half up once at the end (exact bigint arithmetic, never a float). The rate is fixed into the order,
// so a rate changed later never changes what an order expects to be paid.
import { isPaymentCurrency, PAYMENT_CURRENCIES, PaymentCurrency } from '../providers/payment-provider-kinds';

/** A positive rate with at most 6 decimal places, e.g. "7.2" (CNY per USD). */
export const USD_RATE_PATTERN = /^(0|[1-9]\d{0,9})(\.\d{1,6})?$/;
const RATE_SCALE = 1_000_000n;
const NANO_PER_USD = 1_000_000_000n;

/** "7.25" → 7250000n (millionths). Throws RangeError on a malformed or zero rate. */
export function rateMicros(rate: string): bigint {
  if (!USD_RATE_PATTERN.test(rate)) throw new RangeError(`not a rate: ${JSON.stringify(rate)}`);
  const [whole = '0', fraction = ''] = rate.split('.');
  const micros = BigInt(whole) * RATE_SCALE + BigInt(fraction.padEnd(6, '0'));
  if (micros <= 0n) throw new RangeError('a rate must be greater than 0');
  return micros;
}

/** Minor units (cents, fen) charged for `amountNano` USD at `rate` units of `currency` per USD. */
export function chargeMinor(amountNano: bigint, currency: PaymentCurrency, rate: string): bigint {
  const scale = 10n ** BigInt(PAYMENT_CURRENCIES[currency]);
  const numerator = amountNano * rateMicros(rate) * scale;
  const denominator = NANO_PER_USD * RATE_SCALE;
  return (numerator + denominator / 2n) / denominator;
}

/** 1234n, cny → "12.34"; 500n, jpy → "500". */
export function formatMinor(minor: bigint, currency: PaymentCurrency): string {
  const digits = PAYMENT_CURRENCIES[currency];
  if (digits === 0) return minor.toString();
  const text = minor.toString().padStart(digits + 1, '0');
  return `${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

/** "12.34", cny → 1234n; null for anything that is not a plain amount with at most the currency's digits. */
export function parseMinor(amount: string, currency: string): bigint | null {
  if (!isPaymentCurrency(currency)) return null;
  const digits = PAYMENT_CURRENCIES[currency];
  const pattern = digits === 0 ? /^\d{1,15}$/ : new RegExp(`^\\d{1,15}(\\.\\d{1,${digits}})?$`);
  if (!pattern.test(amount)) return null;
  const [whole = '0', fraction = ''] = amount.split('.');
  return BigInt(whole) * 10n ** BigInt(digits) + BigInt(fraction.padEnd(digits, '0') || '0');
}
