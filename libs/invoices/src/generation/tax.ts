// Tax at a configured decimal rate, exactly: the rate has at most 6 places, so tax is
// subtotal × (rate × 1e6) / 1e6, rounded half away from zero to the nano-dollar.
const RATE = /^(0(\.\d{1,6})?|1(\.0{1,6})?)$/;
const SCALE = 1_000_000n;

export function isTaxRate(rate: string): boolean {
  return RATE.test(rate);
}

export function taxOn(subtotalNano: bigint, rate: string): bigint {
  if (!RATE.test(rate)) throw new RangeError(`not a tax rate: ${JSON.stringify(rate)}`);
  const [whole = '0', fraction = ''] = rate.split('.');
  const scaled = BigInt(whole) * SCALE + BigInt(fraction.padEnd(6, '0'));
  const negative = subtotalNano < 0n;
  const abs = negative ? -subtotalNano : subtotalNano;
  const tax = (abs * scaled + SCALE / 2n) / SCALE;
  return negative ? -tax : tax;
}
