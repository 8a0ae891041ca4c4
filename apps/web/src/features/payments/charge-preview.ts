// What the customer will be charged for a USD amount, as the api computes it (libs/payments
// charge-amount.ts): amount × rate in the currency's minor units, half up once, exact (BigInt).
const MINOR_DIGITS: Record<string, number> = { jpy: 0 };
const USD = /^(0|[1-9]\d{0,11})(\.\d{1,9})?$/;
const RATE = /^(0|[1-9]\d{0,9})(\.\d{1,6})?$/;

function scaled(value: string, places: number): bigint {
  const [whole = '0', fraction = ''] = value.split('.');
  return BigInt(whole) * 10n ** BigInt(places) + BigInt(fraction.padEnd(places, '0') || '0');
}

/** "10", "7.2", "cny" → "72.00"; null while the amount is not a valid USD amount. */
export function chargePreview(amountUsd: string, rate: string, currency: string): string | null {
  if (!USD.test(amountUsd) || !RATE.test(rate)) return null;
  const digits = MINOR_DIGITS[currency] ?? 2;
  const numerator = scaled(amountUsd, 9) * scaled(rate, 6) * 10n ** BigInt(digits);
  const denominator = 10n ** 15n;
  const minor = (numerator + denominator / 2n) / denominator;
  if (digits === 0) return minor.toString();
  const text = minor.toString().padStart(digits + 1, '0');
  return `${text.slice(0, -digits)}.${text.slice(-digits)}`;
}
