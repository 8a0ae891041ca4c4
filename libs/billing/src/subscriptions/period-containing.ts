// A tenant's billing cycle: calendar months in the tenant's time zone, starting at local midnight on
// the anchor day (clamped to the month's last day, so anchor 31 means "the last day" in February).
// Computed with Intl only: offsets are looked up per instant, so DST shifts never move a boundary.
import { wallClockFormatter } from '@gateway/common';

export interface BillingPeriod {
  /** The first instant of the period (inclusive). */
  start: Date;
  /** The first instant of the next period (exclusive). */
  end: Date;
}

export const MIN_ANCHOR_DAY = 1;
export const MAX_ANCHOR_DAY = 31;

const DAY_MS = 86_400_000;
interface LocalTime {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function localTime(instantMs: number, timeZone: string): LocalTime {
  const parts: Record<string, number> = {};
  for (const part of wallClockFormatter(timeZone).formatToParts(new Date(instantMs))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts['year'] ?? 0,
    month: parts['month'] ?? 1,
    day: parts['day'] ?? 1,
    hour: parts['hour'] ?? 0,
    minute: parts['minute'] ?? 0,
    second: parts['second'] ?? 0,
  };
}

/** The zone's UTC offset in ms at `instantMs` (local wall clock − UTC). */
function offsetAt(instantMs: number, timeZone: string): number {
  const seconds = Math.floor(instantMs / 1000) * 1000;
  const t = localTime(seconds, timeZone);
  return Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second) - seconds;
}

/**
 * The first instant whose wall clock in `timeZone` reads local midnight of year/month/day. When
 * midnight is skipped by a DST jump (e.g. America/Santiago), the day starts at the jump; when it
 * happens twice, the earlier one counts.
 */
function startOfLocalDay(year: number, month: number, day: number, timeZone: string): Date {
  const wall = Date.UTC(year, month - 1, day);
  const before = offsetAt(wall - DAY_MS, timeZone);
  const after = offsetAt(wall + DAY_MS, timeZone);
  const valid = [wall - before, wall - after].filter(
    (candidate) => offsetAt(candidate, timeZone) === wall - candidate,
  );
  return new Date(valid.length > 0 ? Math.min(...valid) : wall - before);
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function anchorIn(year: number, month: number, anchor: number): number {
  return Math.min(anchor, daysInMonth(year, month));
}

function shiftMonth(year: number, month: number, by: number): { year: number; month: number } {
  const index = year * 12 + (month - 1) + by;
  return { year: Math.floor(index / 12), month: (index % 12) + 1 };
}

/**
 * The billing period containing `instant` for a cycle in `timeZone` that starts on day `anchor` of
 * each month (1-31; clamped to the month's length). Throws RangeError on an unknown zone or anchor.
 */
export function periodContaining(instant: Date, timeZone: string, anchor = 1): BillingPeriod {
  if (!Number.isInteger(anchor) || anchor < MIN_ANCHOR_DAY || anchor > MAX_ANCHOR_DAY) {
    throw new RangeError(`anchor must be an integer from ${MIN_ANCHOR_DAY} to ${MAX_ANCHOR_DAY}`);
  }
  if (Number.isNaN(instant.getTime())) throw new RangeError('instant is not a valid date');
  const local = localTime(instant.getTime(), timeZone);
  let first = { year: local.year, month: local.month };
  if (local.day < anchorIn(local.year, local.month, anchor)) first = shiftMonth(local.year, local.month, -1);
  const next = shiftMonth(first.year, first.month, 1);
  return {
    start: startOfLocalDay(first.year, first.month, anchorIn(first.year, first.month, anchor), timeZone),
    end: startOfLocalDay(next.year, next.month, anchorIn(next.year, next.month, anchor), timeZone),
  };
}

/**
 * The period that follows one that ended at `end`, as of `now` (≥ end), for the cycle in `timeZone`.
 * Usually the period containing `now` (the next one, or a later one when none was read for a while).
 * When that one began before `end`, the tenant's time zone changed in between: the next period then
 * starts at `end`, so periods never overlap, and runs to the new zone's boundary about a month on.
 * A move west puts the new zone's boundary hours after `end` (at most 26): that boundary is skipped,
 * or those hours would be a period of their own, with a fresh allowance and fresh limits.
 */
export function periodAfter(end: Date, now: Date, timeZone: string, anchor = 1): BillingPeriod {
  const current = periodContaining(now, timeZone, anchor);
  if (current.start.getTime() >= end.getTime()) return current;
  const length = current.end.getTime() - current.start.getTime();
  if (current.end.getTime() - end.getTime() >= length / 2) return { start: end, end: current.end };
  return { start: end, end: periodContaining(current.end, timeZone, anchor).end };
}
