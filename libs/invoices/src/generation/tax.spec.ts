import { isTaxRate, taxOn } from './tax';

describe('taxOn', () => {
  it('applies a decimal rate exactly, rounding half away from zero to the nano-dollar', () => {
    expect(taxOn(12_345_678_901n, '0.08')).toBe(987_654_312n); // 987654312.08
    expect(taxOn(1n, '0.5')).toBe(1n); // 0.5 rounds up
    expect(taxOn(-1n, '0.5')).toBe(-1n); // and away from zero for credit notes
    expect(taxOn(3n, '0.166666')).toBe(0n); // 0.499998
    expect(taxOn(10n ** 20n, '0.000001')).toBe(10n ** 14n); // far past 2^53, still exact
    expect(taxOn(123n, '0')).toBe(0n);
    expect(taxOn(123n, '1')).toBe(123n);
  });

  it('refuses rates that are not a decimal from 0 to 1 with at most 6 places', () => {
    for (const rate of ['', '-0.1', '1.1', '0.1234567', '8%', '.08', '0,08', '1e-2']) {
      expect(isTaxRate(rate)).toBe(false);
      expect(() => taxOn(1n, rate)).toThrow(RangeError);
    }
    for (const rate of ['0', '0.08', '0.123456', '1', '1.000000']) expect(isTaxRate(rate)).toBe(true);
  });
});
