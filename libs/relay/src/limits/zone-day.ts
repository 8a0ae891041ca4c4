// The local day of a time zone that a key's daily caps count in (a channel's dayResetZone: Google
// resets Gemini's free tier at Pacific midnight). This is on the hot path: a zone's day is computed
// with Intl once and kept until it ends, so a request does no more than compare two numbers.

import { canonicalTimeZone, wallClockFormatter } from '@gateway/common';

const DAY_MS = 86_400_000;

/** The zone a day is counted in when a key names none. */
export const UTC_ZONE = 'UTC';

/** One local day of a zone: [start, end) in ms epoch, and the id its Redis windows are named by. */
export interface ZoneDay {
  /**
   * `<epoch day>` for UTC (the windows' names from before zones, so counts survive an upgrade);
   * `<zone>:<yyyy-mm-dd>` otherwise, so a zone change never reads another zone's count.
   */
  readonly id: string;
  readonly start: number;
  /** The next local midnight: when a key capped today is usable again (23 or 25 h on a DST change). */
  readonly end: number;
}

/** The wall clock in `timeZone` at `instantMs`, as if it were UTC (ms epoch of the same reading). */
function wallClock(instantMs: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const part of wallClockFormatter(timeZone).formatToParts(new Date(instantMs))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return Date.UTC(
    parts['year'] ?? 1970,
    (parts['month'] ?? 1) - 1,
    parts['day'] ?? 1,
    parts['hour'] ?? 0,
    parts['minute'] ?? 0,
    parts['second'] ?? 0,
  );
}

/** The zone's offset (wall clock − UTC) in ms at `instantMs`. */
function offsetAt(instantMs: number, timeZone: string): number {
  const seconds = Math.floor(instantMs / 1000) * 1000;
  return wallClock(seconds, timeZone) - seconds;
}

/**
 * The first instant whose wall clock reads `wallMidnight` (a local date's midnight, as UTC ms). The
 * offsets a day before and after are the only candidates (zones change offset at most once a day);
 * when a DST jump skips midnight, the day starts at the jump.
 */
function startOfLocalDay(wallMidnight: number, timeZone: string): number {
  const before = wallMidnight - offsetAt(wallMidnight - DAY_MS, timeZone);
  const after = wallMidnight - offsetAt(wallMidnight + DAY_MS, timeZone);
  const valid = [before, after].filter((t) => wallClock(t, timeZone) === wallMidnight);
  if (valid.length > 0) return Math.min(...valid);
  // Midnight does not exist that day (a jump forward at it): the day starts at the jump, when the old
  // offset's clock would read midnight.
  return before;
}

function isoDate(wallMidnight: number): string {
  return new Date(wallMidnight).toISOString().slice(0, 10);
}

/**
 * The local day of `timeZone` containing `now`, computed (Intl: slow; see dayOf). The zone is taken in
 * its canonical spelling, so a row stored as an alias (Etc/UTC, US/Pacific, another case) before
 * zones were stored canonically counts in the same windows as its zone. A zone the runtime does not
 * know (validated when stored, but a later Node's time-zone data might drop one) counts in UTC days
 * rather than failing every request of its channel.
 */
export function computeZoneDay(spelledZone: string, now: number): ZoneDay {
  const timeZone = canonicalTimeZone(spelledZone) ?? UTC_ZONE;
  if (timeZone === UTC_ZONE) {
    const day = Math.floor(now / DAY_MS);
    return { id: String(day), start: day * DAY_MS, end: (day + 1) * DAY_MS };
  }
  const wall = wallClock(now, timeZone);
  const midnight = Math.floor(wall / DAY_MS) * DAY_MS;
  return {
    id: `${timeZone}:${isoDate(midnight)}`,
    start: startOfLocalDay(midnight, timeZone),
    end: startOfLocalDay(midnight + DAY_MS, timeZone),
  };
}

/**
 * The two latest days asked for, per zone: the current one, and the one before it, which
 * settlements of attempts counted just before midnight still ask for.
 */
const cached = new Map<string, [ZoneDay | undefined, ZoneDay | undefined]>();

/** The local day of `timeZone` containing `now`: Intl only when the zone's day has changed. */
export function dayOf(timeZone: string, now: number): ZoneDay {
  let days = cached.get(timeZone);
  if (days === undefined) {
    days = [undefined, undefined];
    cached.set(timeZone, days);
  }
  for (const day of days) {
    if (day !== undefined && day.start <= now && now < day.end) return day;
  }
  const day = computeZoneDay(timeZone, now);
  // The later of the two stays first.
  if (days[0] === undefined || day.start > days[0].start) {
    days[1] = days[0];
    days[0] = day;
  } else {
    days[1] = day;
  }
  return day;
}
