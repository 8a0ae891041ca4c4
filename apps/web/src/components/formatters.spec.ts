import { formatPeriod, formatSuccessRate, formatUsd } from './formatters';

// The formatters follow the UI language; English here (the real i18n setup needs a browser).
jest.mock('../i18n', () => ({ __esModule: true, default: { resolvedLanguage: 'en' } }));

/** ICU puts thin spaces around the range dash. */
const period = (start: string, end: string, zone?: string) =>
  formatPeriod(start, end, zone).replace(/\s/g, ' ');

describe('formatters', () => {
  it('shows a period [start, end) as the days it covers, in the given time zone', () => {
    expect(period('2026-10-01T00:00:00Z', '2026-11-01T00:00:00Z', 'UTC')).toBe('Oct 1 – 31, 2026');
    // Shanghai's October starts 8 h before UTC's.
    expect(period('2026-09-30T16:00:00Z', '2026-10-31T16:00:00Z', 'Asia/Shanghai')).toBe('Oct 1 – 31, 2026');
    expect(period('2026-11-15T00:00:00Z', '2026-12-15T00:00:00Z', 'UTC')).toBe('Nov 15 – Dec 14, 2026');
  });

  it('falls back to the local zone for an unknown time zone name', () => {
    expect(period('2026-10-15T12:00:00Z', '2026-10-16T12:00:00Z', 'Not/AZone')).toMatch(/^Oct 1[56]/);
  });

  it('prints USD decimal strings without float rounding', () => {
    expect(formatUsd('0.000275')).toBe('$0.000275');
    expect(formatUsd('-0.0001')).toBe('-$0.0001');
    expect(formatUsd('1234567.5')).toBe('$1,234,567.50');
  });

  it('shows the success rate of the requests, and none without requests', () => {
    expect(formatSuccessRate(200, 3)).toBe('98.5%');
    expect(formatSuccessRate(5, 5)).toBe('0%');
    expect(formatSuccessRate(0, 0)).toBe('—');
  });
});
