// ISO 4217 currencies as the runtime knows them: which codes exist and how many minor-unit digits
// each has (CNY 2, JPY 0, KWD 3), for billing in a tenant's own currency.
const KNOWN = new Set(Intl.supportedValuesOf('currency'));

/** "CNY", "EUR"...: three capital letters that the runtime knows as a currency. */
export function isIsoCurrency(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Z]{3}$/.test(value) && KNOWN.has(value);
}

/** Digits after the point in the currency's minor unit (2 for CNY and USD, 0 for JPY). */
export function minorUnitDigits(currency: string): number {
  return (
    new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2
  );
}

/** A count of minor units as a decimal string: (12345, 2) → "123.45", (-5, 2) → "-0.05". */
export function minorToDecimal(minor: bigint, digits: number): string {
  const negative = minor < 0n;
  const abs = (negative ? -minor : minor).toString().padStart(digits + 1, '0');
  const text = digits === 0 ? abs : `${abs.slice(0, -digits)}.${abs.slice(-digits)}`;
  return negative ? `-${text}` : text;
}
