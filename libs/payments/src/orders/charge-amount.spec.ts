import { chargeMinor, formatMinor, parseMinor, rateMicros } from './charge-amount';

const NANO = 1_000_000_000n;

describe('chargeMinor', () => {
  it('charges USD cent for cent at rate 1', () => {
    expect(chargeMinor(25n * NANO, 'usd', '1')).toBe(2500n);
    expect(chargeMinor(1_234_560_000n, 'usd', '1')).toBe(123n);
  });

  it('converts at the rate and rounds half up once, at the end', () => {
    expect(chargeMinor(10n * NANO, 'cny', '7.2')).toBe(7200n); // ¥72.00
    // $0.015 × 7.1 = ¥0.1065 → 11 fen (half up), not 10 (a float path gives 10.649999…)
    expect(chargeMinor(15_000_000n, 'cny', '7.1')).toBe(11n);
    expect(chargeMinor(14_000_000n, 'cny', '7.1')).toBe(10n); // ¥0.0994
    expect(chargeMinor(7n * NANO, 'jpy', '151.234567')).toBe(1059n); // ¥1058.64 → 1059
  });

  it('stays exact at the largest credit', () => {
    expect(chargeMinor(1_000_000n * NANO, 'cny', '7.123456')).toBe(712_345_600n);
  });

  it('refuses a malformed or zero rate', () => {
    for (const rate of ['', '0', '0.000000', '-1', '1e3', '7.1234567', ' 7']) {
      expect(() => rateMicros(rate)).toThrow(RangeError);
    }
  });
});

describe('formatMinor / parseMinor', () => {
  it('round-trips amounts as providers write them', () => {
    expect(formatMinor(7200n, 'cny')).toBe('72.00');
    expect(formatMinor(5n, 'cny')).toBe('0.05');
    expect(formatMinor(1059n, 'jpy')).toBe('1059');
    expect(parseMinor('72.00', 'cny')).toBe(7200n);
    expect(parseMinor('72', 'cny')).toBe(7200n);
    expect(parseMinor('72.5', 'cny')).toBe(7250n);
    expect(parseMinor('1059', 'jpy')).toBe(1059n);
  });

  it('refuses what is not an amount of that currency', () => {
    expect(parseMinor('72.001', 'cny')).toBeNull();
    expect(parseMinor('-1', 'cny')).toBeNull();
    expect(parseMinor('1.5', 'jpy')).toBeNull();
    expect(parseMinor('1e3', 'cny')).toBeNull();
    expect(parseMinor('1', 'xyz')).toBeNull();
  });
});
