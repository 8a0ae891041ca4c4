import { nanoToUsd, usdToNano } from './money';

describe('money', () => {
  it.each([
    ['0', 0n],
    ['1', 1_000_000_000n],
    ['0.000000001', 1n],
    ['12.345', 12_345_000_000n],
    ['999999999999.999999999', 999_999_999_999_999_999_999n],
  ])('%s USD is %d nano and back', (usd, nano) => {
    expect(usdToNano(usd)).toBe(nano);
    expect(nanoToUsd(nano)).toBe(usd);
  });

  it.each(['', '-1', '1.', '.5', '1.0000000001', '01', '1e3', 'abc', ' 1', '1,5'])('refuses %j', (bad) => {
    expect(() => usdToNano(bad)).toThrow(RangeError);
  });

  it('prints negative amounts (refunds, adjustments)', () => {
    expect(nanoToUsd(-1_500_000_000n)).toBe('-1.5');
  });
});
