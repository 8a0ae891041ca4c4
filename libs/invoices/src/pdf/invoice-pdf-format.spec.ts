import { money, percent } from './invoice-pdf-renderer';

describe('invoice PDF formatting', () => {
  it('shows USD with at least cents and every nano-dollar there is', () => {
    expect(money(50_000_000_000n)).toBe('50.00');
    expect(money(0n)).toBe('0.00');
    expect(money(1_500_000_000n)).toBe('1.50');
    expect(money(405_000n)).toBe('0.000405');
    expect(money(1_123_457_796n)).toBe('1.123457796');
    expect(money(-3_000_000_000n)).toBe('-3.00');
  });

  it('shows a tax rate as an exact percentage', () => {
    expect(percent('0')).toBe('0%');
    expect(percent('0.08')).toBe('8%');
    expect(percent('0.075')).toBe('7.5%');
    expect(percent('0.2')).toBe('20%');
    expect(percent('1')).toBe('100%');
    expect(percent('0.123456')).toBe('12.3456%');
  });
});
