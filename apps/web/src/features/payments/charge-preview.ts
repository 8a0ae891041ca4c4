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
  return minorText(minor, digits);
}

/** An invoice in another currency: what it states is due there, and its USD amounts. */
export interface InvoiceDue {
  currency: string;
  amountDue: string;
  amountDueUsd: string;
  balanceDueUsd: string;
}

/**
 * What paying `amountUsd` of an invoice costs in the invoice's own currency, as the api computes it
 * (libs/invoices converted-balance.ts): what is left there before the payment less what is left
 * after, what is left being amountDue × USD balance / USD amount due, half up.
 */
export function invoiceChargePreview(amountUsd: string, due: InvoiceDue): string | null {
  if (!USD.test(amountUsd) || !USD.test(due.amountDueUsd) || !USD.test(due.balanceDueUsd)) return null;
  const digits = MINOR_DIGITS[due.currency.toLowerCase()] ?? 2;
  if (!USD.test(due.amountDue)) return null;
  const dueMinor = scaled(due.amountDue, digits);
  const dueNano = scaled(due.amountDueUsd, 9);
  const left = (balanceNano: bigint): bigint => {
    if (balanceNano <= 0n || dueNano <= 0n) return 0n;
    if (balanceNano >= dueNano) return dueMinor;
    return (2n * balanceNano * dueMinor + dueNano) / (2n * dueNano);
  };
  const balanceNano = scaled(due.balanceDueUsd, 9);
  return minorText(left(balanceNano) - left(balanceNano - scaled(amountUsd, 9)), digits);
}

function minorText(minor: bigint, digits: number): string {
  if (digits === 0) return minor.toString();
  const text = minor.toString().padStart(digits + 1, '0');
  return `${text.slice(0, -digits)}.${text.slice(-digits)}`;
}
