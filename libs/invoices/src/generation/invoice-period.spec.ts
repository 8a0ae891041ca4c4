import { invoiceWindow, nextPeriod, periodOf, previousPeriod } from './invoice-period';

describe('invoice periods', () => {
  it('is the calendar month in the tenant’s time zone', () => {
    expect(invoiceWindow('2026-10', 'UTC')).toEqual({
      period: '2026-10',
      start: new Date('2026-10-01T00:00:00.000Z'),
      end: new Date('2026-11-01T00:00:00.000Z'),
    });
    // UTC+8 all year: local midnight is 16:00 UTC the day before.
    expect(invoiceWindow('2026-02', 'Asia/Shanghai')).toMatchObject({
      start: new Date('2026-01-31T16:00:00.000Z'),
      end: new Date('2026-02-28T16:00:00.000Z'),
    });
    // New York's March starts in EST (−5) and April in EDT (−4): DST moves the end, not the month.
    expect(invoiceWindow('2026-03', 'America/New_York')).toMatchObject({
      start: new Date('2026-03-01T05:00:00.000Z'),
      end: new Date('2026-04-01T04:00:00.000Z'),
    });
    expect(invoiceWindow('2026-12', 'Pacific/Kiritimati').end).toEqual(new Date('2026-12-31T10:00:00.000Z'));
  });

  it('names the period of an instant in the zone, and the ones before and after it', () => {
    const instant = new Date('2026-10-31T17:00:00.000Z');
    expect(periodOf(instant, 'UTC')).toBe('2026-10');
    expect(periodOf(instant, 'Asia/Shanghai')).toBe('2026-11');
    expect(previousPeriod('2026-01')).toBe('2025-12');
    expect(previousPeriod('2026-11')).toBe('2026-10');
    expect(nextPeriod('2026-12')).toBe('2027-01');
    expect(nextPeriod('2026-09')).toBe('2026-10');
  });

  it('refuses a malformed period', () => {
    for (const period of ['2026-13', '2026-1', '26-01', '2026-00', '2026/01', '']) {
      expect(() => invoiceWindow(period, 'UTC')).toThrow(RangeError);
    }
  });
});
