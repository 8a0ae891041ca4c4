import { computeZoneDay, dayOf } from './zone-day';

const HOUR_MS = 3_600_000;
const LA = 'America/Los_Angeles';

describe('the local day a key counts its daily caps in', () => {
  it('is the UTC day for UTC, named by its epoch day as before zones', () => {
    const now = Date.UTC(2026, 11, 6, 20, 44);
    expect(computeZoneDay('UTC', now)).toEqual({
      id: String(Math.floor(now / 86_400_000)),
      start: Date.UTC(2026, 11, 6),
      end: Date.UTC(2026, 11, 7),
    });
  });

  it('is the Pacific day in winter: it starts at 08:00 UTC', () => {
    // 07:00 UTC on 6 December is still 5 December, 23:00 PST.
    expect(computeZoneDay(LA, Date.UTC(2026, 11, 6, 7))).toEqual({
      id: `${LA}:2026-12-05`,
      start: Date.UTC(2026, 11, 5, 8),
      end: Date.UTC(2026, 11, 6, 8),
    });
    expect(computeZoneDay(LA, Date.UTC(2026, 11, 6, 8)).id).toBe(`${LA}:2026-12-06`);
  });

  it('is the Pacific day in summer: it starts at 07:00 UTC', () => {
    expect(computeZoneDay(LA, Date.UTC(2026, 6, 1, 12))).toEqual({
      id: `${LA}:2026-07-01`,
      start: Date.UTC(2026, 6, 1, 7),
      end: Date.UTC(2026, 6, 2, 7),
    });
  });

  it('lasts 23 hours on the spring change (8 March 2026)', () => {
    const day = computeZoneDay(LA, Date.UTC(2026, 2, 8, 12));
    expect(day).toEqual({
      id: `${LA}:2026-03-08`,
      start: Date.UTC(2026, 2, 8, 8),
      end: Date.UTC(2026, 2, 9, 7),
    });
    expect(day.end - day.start).toBe(23 * HOUR_MS);
  });

  it('lasts 25 hours on the autumn change (1 November 2026)', () => {
    const day = computeZoneDay(LA, Date.UTC(2026, 10, 1, 12));
    expect(day).toEqual({
      id: `${LA}:2026-11-01`,
      start: Date.UTC(2026, 10, 1, 7),
      end: Date.UTC(2026, 10, 2, 8),
    });
    expect(day.end - day.start).toBe(25 * HOUR_MS);
  });

  it('starts at the jump when a DST change skips midnight (America/Santiago, 6 September 2026)', () => {
    // Chile moves from -04 to -03 at local midnight: the day begins at 04:00 UTC, which reads 01:00.
    const day = computeZoneDay('America/Santiago', Date.UTC(2026, 8, 6, 12));
    expect(day.id).toBe('America/Santiago:2026-09-06');
    expect(day.start).toBe(Date.UTC(2026, 8, 6, 4));
    expect(day.end).toBe(Date.UTC(2026, 8, 7, 3));
  });

  it('is one day, under one name, for every spelling of a zone (Etc/UTC, GMT, an alias, another case)', () => {
    const now = Date.UTC(2026, 11, 6, 20, 44);
    for (const utc of ['Etc/UTC', 'Etc/GMT', 'GMT', 'Zulu', 'utc']) {
      expect([utc, computeZoneDay(utc, now)]).toEqual([utc, computeZoneDay('UTC', now)]);
    }
    expect(computeZoneDay('US/Pacific', now)).toEqual(computeZoneDay(LA, now));
    expect(computeZoneDay('asia/kolkata', now)).toEqual(computeZoneDay('Asia/Kolkata', now));
    expect(computeZoneDay('Asia/Calcutta', now).id).toBe('Asia/Kolkata:2026-12-07');
  });

  it('is the UTC day for a zone the runtime does not know, not an error for every request', () => {
    const now = Date.UTC(2026, 11, 6, 7, 30);
    expect(computeZoneDay('Mars/Olympus_Mons', now)).toEqual(computeZoneDay('UTC', now));
    expect(dayOf('Mars/Olympus_Mons', now).end).toBe(Date.UTC(2026, 11, 7));
  });

  it('is computed once a day per zone: every instant of the day gets the same object', () => {
    const first = dayOf(LA, Date.UTC(2026, 11, 6, 9));
    const spy = jest.spyOn(Intl.DateTimeFormat.prototype, 'formatToParts');
    try {
      expect(dayOf(LA, Date.UTC(2026, 11, 7, 7, 59))).toBe(first);
      expect(dayOf(LA, Date.UTC(2026, 11, 6, 8))).toBe(first);
      expect(spy).not.toHaveBeenCalled();
      // The next day is computed once, and the previous one is still at hand (a late settlement).
      const next = dayOf(LA, Date.UTC(2026, 11, 7, 8));
      expect(next.id).toBe(`${LA}:2026-12-07`);
      const calls = spy.mock.calls.length;
      expect(dayOf(LA, Date.UTC(2026, 11, 7, 7))).toBe(first);
      expect(dayOf(LA, Date.UTC(2026, 11, 7, 20))).toBe(next);
      expect(spy.mock.calls.length).toBe(calls);
    } finally {
      spy.mockRestore();
    }
  });
});
