import { quotaRate, quotaToNano, withinLimit } from './quota-units';

describe('quota units → nano-USD', () => {
  it('500,000 units are one dollar by default', () => {
    expect(quotaToNano(500_000n, quotaRate(undefined))).toEqual({ nano: 1_000_000_000n, rounded: false });
    // 1 unit = $0.000002 = 2,000 nano
    expect(quotaToNano(1n, quotaRate(''))).toEqual({ nano: 2_000n, rounded: false });
  });

  it('uses the options table QuotaPerUnit and rounds a fraction down, saying so', () => {
    // 1 unit at 3,000,000 per USD = 333.33… nano → 333
    expect(quotaToNano(1n, quotaRate('3000000'))).toEqual({ nano: 333n, rounded: true });
    // 7 units at 700 per USD = $0.01 exactly
    expect(quotaToNano(7n, quotaRate('700'))).toEqual({ nano: 10_000_000n, rounded: false });
  });

  it('reads a fractional QuotaPerUnit exactly (no float on the way)', () => {
    // 0.5 units per USD: 3 units = $6
    expect(quotaToNano(3n, quotaRate('0.5'))).toEqual({ nano: 6_000_000_000n, rounded: false });
  });

  it('keeps amounts beyond 2^53 exact', () => {
    const units = 9_007_199_254_740_993n; // 2^53 + 1
    expect(quotaToNano(units, quotaRate('500000')).nano).toBe(units * 2_000n);
  });

  it('refuses a QuotaPerUnit of 0 or garbage', () => {
    expect(() => quotaRate('0')).toThrow(RangeError);
    expect(() => quotaRate('abc')).toThrow(RangeError);
  });
});

describe('withinLimit', () => {
  it('brings an amount beyond the limit to it, either way, and leaves the rest alone', () => {
    const huge = quotaToNano(9_000_000_000_000_000_000n, quotaRate(undefined)).nano;
    expect(huge).toBe(18_000_000_000_000_000_000_000n); // more than a PostgreSQL bigint holds
    expect(withinLimit(huge, '1000000')).toBe(1_000_000_000_000_000n);
    expect(withinLimit(-huge, '1000000')).toBe(-1_000_000_000_000_000n);
    expect(withinLimit(1_000_000_000_000_000n, '1000000')).toBe(1_000_000_000_000_000n);
    expect(withinLimit(-5n, '1000000')).toBe(-5n);
  });
});
