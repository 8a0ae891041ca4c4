// An invoice period: a calendar month ("YYYY-MM") in the tenant's time zone, as instants.
import { periodContaining } from '@gateway/billing/domain';

export const PERIOD_PATTERN = /^(\d{4})-(0[1-9]|1[0-2])$/;

export interface InvoiceWindow {
  period: string;
  start: Date;
  end: Date;
}

/** The instants [start, end) of `period` in `timeZone`. Throws RangeError on a malformed period. */
export function invoiceWindow(period: string, timeZone: string): InvoiceWindow {
  const match = PERIOD_PATTERN.exec(period);
  if (!match) throw new RangeError(`period must be "YYYY-MM": ${JSON.stringify(period)}`);
  // Noon UTC on the 15th is inside that local month in every zone (offsets stay within ±14 h).
  const inside = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, 15, 12));
  const { start, end } = periodContaining(inside, timeZone, 1);
  return { period, start, end };
}

/** The period ("YYYY-MM") that contains `instant` in `timeZone`. */
export function periodOf(instant: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'numeric' })
    .formatToParts(instant)
    .reduce<Record<string, string>>((acc, part) => ({ ...acc, [part.type]: part.value }), {});
  return `${parts['year']}-${String(parts['month']).padStart(2, '0')}`;
}

/** The period before `period`. */
export function previousPeriod(period: string): string {
  const match = PERIOD_PATTERN.exec(period);
  if (!match) throw new RangeError(`period must be "YYYY-MM": ${JSON.stringify(period)}`);
  const index = Number(match[1]) * 12 + Number(match[2]) - 2;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** The period after `period`. */
export function nextPeriod(period: string): string {
  const match = PERIOD_PATTERN.exec(period);
  if (!match) throw new RangeError(`period must be "YYYY-MM": ${JSON.stringify(period)}`);
  const index = Number(match[1]) * 12 + Number(match[2]);
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}
