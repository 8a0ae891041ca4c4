import { applyMultiplier, isValidMultiplier, multiplierToE4, normalizeMultiplier } from './apply-multiplier';

describe('applyMultiplier', () => {
  it.each([
    // cost, multiplier, expected (hand-computed)
    [1_000_000n, '1', 1_000_000n],
    [1_000_000n, '1.25', 1_250_000n],
    [7n, '1.5', 11n], // 10.5 → 11 (half up)
    [5n, '0.1', 1n], // 0.5 → 1 (half up)
    [4n, '0.1', 0n], // 0.4 → 0
    [3n, '0.0001', 0n], // 0.0003 → 0
    [5_000n, '0.0001', 1n], // 0.5 → 1
    [1n, '100', 100n],
    [123_456_789n, '0.3333', 41_148_148n], // 41148147.7837 → 41148148
    [0n, '2', 0n],
  ])('%s nano × %s = %s nano', (cost, multiplier, expected) => {
    expect(applyMultiplier(cost, multiplier)).toBe(expected);
  });

  it('is exact beyond the range of doubles', () => {
    const cost = 9_007_199_254_740_993n; // 2^53 + 1: a double cannot hold it
    expect(applyMultiplier(cost, '3')).toBe(27_021_597_764_222_979n);
  });

  it('agrees with a reference computation on many values', () => {
    for (let cost = 0n; cost < 2_000n; cost += 7n) {
      for (const m of ['0.0001', '0.5', '0.9999', '1', '1.0001', '2.3456', '99.9999']) {
        const [whole, fraction = ''] = m.split('.');
        const numerator = cost * BigInt(whole + fraction.padEnd(4, '0'));
        // Reference: floor(x + 1/2) via the remainder, written independently of divideRoundHalfUp.
        const quotient = numerator / 10_000n;
        const expected = (numerator % 10_000n) * 2n >= 10_000n ? quotient + 1n : quotient;
        expect(applyMultiplier(cost, m)).toBe(expected);
      }
    }
  });

  it('refuses a negative cost and a malformed multiplier', () => {
    expect(() => applyMultiplier(-1n, '1')).toThrow(RangeError);
    for (const bad of ['', '1.23456', '-1', '1e2', ' 1', '01', '1.', '.5', 'abc']) {
      expect(() => applyMultiplier(1n, bad)).toThrow(RangeError);
    }
  });
});

describe('multiplier parsing', () => {
  it('reads ten-thousandths', () => {
    expect(multiplierToE4('1.25')).toBe(12_500n);
    expect(multiplierToE4('0.0001')).toBe(1n);
    expect(multiplierToE4('100')).toBe(1_000_000n);
  });

  it('normalizes what NUMERIC hands back', () => {
    expect(normalizeMultiplier('1.2500')).toBe('1.25');
    expect(normalizeMultiplier('2.0000')).toBe('2');
    expect(normalizeMultiplier('0.0100')).toBe('0.01');
  });

  it('accepts 0 < m ≤ 100 with at most 4 decimals', () => {
    for (const good of ['0.0001', '1', '1.25', '99.9999', '100', '100.0000']) {
      expect(isValidMultiplier(good)).toBe(true);
    }
    for (const bad of ['0', '0.0000', '100.0001', '101', '1.00001', '-1', 1.25, null]) {
      expect(isValidMultiplier(bad)).toBe(false);
    }
  });
});
