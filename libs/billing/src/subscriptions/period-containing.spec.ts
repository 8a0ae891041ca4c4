import { periodAfter, periodContaining } from './period-containing';

const at = (iso: string) => new Date(iso);
const iso = (p: { start: Date; end: Date }) => ({ start: p.start.toISOString(), end: p.end.toISOString() });

describe('periodContaining', () => {
  it('UTC calendar month, anchor 1 by default', () => {
    expect(iso(periodContaining(at('2026-03-15T12:00:00Z'), 'UTC'))).toEqual({
      start: '2026-03-01T00:00:00.000Z',
      end: '2026-04-01T00:00:00.000Z',
    });
  });

  it('the start is inclusive and the end exclusive', () => {
    expect(iso(periodContaining(at('2026-04-01T00:00:00Z'), 'UTC')).start).toBe('2026-04-01T00:00:00.000Z');
    expect(iso(periodContaining(at('2026-03-31T23:59:59.999Z'), 'UTC')).start).toBe(
      '2026-03-01T00:00:00.000Z',
    );
  });

  it('Asia/Shanghai (UTC+8): an instant late on the 31st in UTC is already next month locally', () => {
    expect(iso(periodContaining(at('2026-01-31T17:00:00Z'), 'Asia/Shanghai'))).toEqual({
      start: '2026-01-31T16:00:00.000Z',
      end: '2026-02-28T16:00:00.000Z',
    });
    expect(iso(periodContaining(at('2026-01-31T15:59:59Z'), 'Asia/Shanghai'))).toEqual({
      start: '2025-12-31T16:00:00.000Z',
      end: '2026-01-31T16:00:00.000Z',
    });
  });

  it('America/New_York: a period spanning the spring-forward starts at EST midnight and ends at EDT midnight', () => {
    // DST starts 2026-03-08; midnight of Mar 1 is UTC-5, of Apr 1 is UTC-4.
    const period = periodContaining(at('2026-03-20T12:00:00Z'), 'America/New_York');
    expect(iso(period)).toEqual({ start: '2026-03-01T05:00:00.000Z', end: '2026-04-01T04:00:00.000Z' });
    expect(period.end.getTime() - period.start.getTime()).toBe((31 * 24 - 1) * 3_600_000);
  });

  it('America/New_York across the fall-back: the period is an hour longer', () => {
    // DST ends 2026-11-01.
    const period = periodContaining(at('2026-11-01T06:30:00Z'), 'America/New_York');
    expect(iso(period)).toEqual({ start: '2026-11-01T04:00:00.000Z', end: '2026-12-01T05:00:00.000Z' });
    expect(period.end.getTime() - period.start.getTime()).toBe((30 * 24 + 1) * 3_600_000);
    // Just before local midnight of Nov 1 (still October locally).
    expect(iso(periodContaining(at('2026-11-01T03:59:59Z'), 'America/New_York')).start).toBe(
      '2026-10-01T04:00:00.000Z',
    );
  });

  it('anchor 31 clamps to the last day of February, and of a leap February', () => {
    expect(iso(periodContaining(at('2026-02-10T00:00:00Z'), 'UTC', 31))).toEqual({
      start: '2026-01-31T00:00:00.000Z',
      end: '2026-02-28T00:00:00.000Z',
    });
    expect(iso(periodContaining(at('2026-02-28T00:00:00Z'), 'UTC', 31))).toEqual({
      start: '2026-02-28T00:00:00.000Z',
      end: '2026-03-31T00:00:00.000Z',
    });
    expect(iso(periodContaining(at('2028-02-28T12:00:00Z'), 'UTC', 31))).toEqual({
      start: '2028-01-31T00:00:00.000Z',
      end: '2028-02-29T00:00:00.000Z',
    });
    expect(iso(periodContaining(at('2026-04-30T10:00:00Z'), 'UTC', 31))).toEqual({
      start: '2026-04-30T00:00:00.000Z',
      end: '2026-05-31T00:00:00.000Z',
    });
  });

  it('a mid-month anchor crosses the year boundary', () => {
    expect(iso(periodContaining(at('2026-01-05T00:00:00Z'), 'UTC', 15))).toEqual({
      start: '2025-12-15T00:00:00.000Z',
      end: '2026-01-15T00:00:00.000Z',
    });
  });

  it('a zone whose DST skips midnight starts the day at the jump (America/Santiago, 2026-09-06)', () => {
    // Chile springs forward at local 00:00 → 01:00 on the first Sunday of September.
    const period = periodContaining(at('2026-09-10T12:00:00Z'), 'America/Santiago', 6);
    expect(iso(period).start).toBe('2026-09-06T04:00:00.000Z');
    expect(
      new Intl.DateTimeFormat('en-GB', { timeZone: 'America/Santiago', timeStyle: 'short' }).format(
        period.start,
      ),
    ).toBe('01:00');
  });

  it('every instant lies in its period, and consecutive periods tile without gaps (property)', () => {
    const zones = [
      'UTC',
      'Asia/Shanghai',
      'America/New_York',
      'Europe/London',
      'Australia/Lord_Howe',
      'Asia/Kolkata',
    ];
    let seed = 42;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 400; i += 1) {
      const zone = zones[i % zones.length] as string;
      const anchor = 1 + Math.floor(random() * 31);
      const instant = new Date(Date.UTC(2024, 0, 1) + Math.floor(random() * 3 * 365 * 86_400_000));
      const period = periodContaining(instant, zone, anchor);
      expect(period.start.getTime()).toBeLessThanOrEqual(instant.getTime());
      expect(period.end.getTime()).toBeGreaterThan(instant.getTime());
      expect(periodContaining(period.end, zone, anchor).start).toEqual(period.end);
      expect(periodContaining(new Date(period.start.getTime() - 1), zone, anchor).end).toEqual(period.start);
    }
  });

  it('refuses an anchor outside 1-31 and an unknown zone', () => {
    expect(() => periodContaining(at('2026-01-01T00:00:00Z'), 'UTC', 0)).toThrow(RangeError);
    expect(() => periodContaining(at('2026-01-01T00:00:00Z'), 'UTC', 32)).toThrow(RangeError);
    expect(() => periodContaining(at('2026-01-01T00:00:00Z'), 'Mars/Olympus')).toThrow(RangeError);
  });
});

describe('periodAfter', () => {
  it('is the period containing now when the zone did not change, even after a gap', () => {
    const end = at('2026-11-30T15:00:00Z'); // Tokyo's December begins
    expect(iso(periodAfter(end, at('2026-12-10T00:00:00Z'), 'Asia/Tokyo'))).toEqual({
      start: '2026-11-30T15:00:00.000Z',
      end: '2026-12-31T15:00:00.000Z',
    });
    expect(iso(periodAfter(end, at('2027-03-10T00:00:00Z'), 'Asia/Tokyo'))).toEqual({
      start: '2027-02-28T15:00:00.000Z',
      end: '2027-03-31T15:00:00.000Z',
    });
  });

  it("moved west (Tokyo to Los Angeles): from the old end to the new zone's boundary a month on", () => {
    const end = at('2026-11-30T15:00:00Z');
    const expected = { start: '2026-11-30T15:00:00.000Z', end: '2027-01-01T08:00:00.000Z' };
    expect(iso(periodAfter(end, at('2026-11-30T16:00:00Z'), 'America/Los_Angeles'))).toEqual(expected);
    // Read only after Los Angeles' own December began: still one period, not a 17-hour one before it.
    expect(iso(periodAfter(end, at('2026-12-01T09:00:00Z'), 'America/Los_Angeles'))).toEqual({
      start: '2026-12-01T08:00:00.000Z',
      end: '2027-01-01T08:00:00.000Z',
    });
  });

  it('in an unchanged zone, is the period that adjoins the last (property, DST and clamped anchors included)', () => {
    const zones = ['UTC', 'America/New_York', 'Europe/London', 'Australia/Sydney', 'America/Santiago'];
    let seed = 7;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 200; i += 1) {
      const zone = zones[i % zones.length] as string;
      const anchor = 1 + Math.floor(random() * 31);
      const last = periodContaining(
        new Date(Date.UTC(2024, 0, 1) + random() * 3 * 365 * 86_400_000),
        zone,
        anchor,
      );
      const next = periodContaining(last.end, zone, anchor);
      const read = new Date(last.end.getTime() + random() * (next.end.getTime() - last.end.getTime()));
      expect(periodAfter(last.end, read, zone, anchor)).toEqual(next);
    }
  });

  it('moved east (Los Angeles to Tokyo): from the old end, never overlapping it', () => {
    expect(iso(periodAfter(at('2026-12-01T08:00:00Z'), at('2026-12-01T09:00:00Z'), 'Asia/Tokyo'))).toEqual({
      start: '2026-12-01T08:00:00.000Z',
      end: '2026-12-31T15:00:00.000Z',
    });
  });
});
