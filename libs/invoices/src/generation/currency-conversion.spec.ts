import { convertInvoice, convertNano, minorText } from './currency-conversion';

describe('currency conversion on invoices', () => {
  it('converts nano-USD at a 6-decimal rate to the minor unit, half away from zero', () => {
    // 1.005 USD × 7 = 7.035 CNY → 7.04 (half up), and −7.035 → −7.04 (away from zero).
    expect(convertNano(1_005_000_000n, '7', 2)).toBe(704n);
    expect(convertNano(-1_005_000_000n, '7', 2)).toBe(-704n);
    // 0.000404 USD × 7.123456 = 0.002877876... CNY → 0.00
    expect(convertNano(404_000n, '7.123456', 2)).toBe(0n);
    // 12.345678901 USD × 7.1234 = 87.943... CNY → 87.94
    expect(convertNano(12_345_678_901n, '7.1234', 2)).toBe(8794n);
    // exactly representable: 100 USD × 7.25 = 725.00
    expect(convertNano(100_000_000_000n, '7.25', 2)).toBe(72500n);
    // JPY has no minor unit: 1.50 USD × 151.5 = 227.25 → 227
    expect(convertNano(1_500_000_000n, '151.5', 0)).toBe(227n);
    // KWD has three: 10 USD × 0.307 = 3.070
    expect(convertNano(10_000_000_000n, '0.307', 3)).toBe(3070n);
    expect(() => convertNano(1n, '7,1', 2)).toThrow(RangeError);
  });

  it('sums converted lines into the subtotal and taxes the converted subtotal', () => {
    const c = convertInvoice([1_005_000_000n, 1_005_000_000n, -500_000_000n], '7', 2, '0.06');
    expect(c.lineMinor).toEqual(['704', '704', '-350']);
    expect(c.subtotalMinor).toBe('1058');
    expect(c.taxMinor).toBe('63'); // 10.58 × 6% = 0.6348 → 0.63
    expect(c.totalMinor).toBe('1121');
    expect(minorText(c.totalMinor, 2)).toBe('11.21');
    expect(minorText('-5', 2)).toBe('-0.05');
    expect(minorText('227', 0)).toBe('227');
  });
});
