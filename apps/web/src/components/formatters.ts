// Display formats that follow the UI language: dates, numbers, USD amounts (decimal strings from the
// api, shown without float rounding), durations.
import i18n from '../i18n';

const locale = () => i18n.resolvedLanguage ?? 'en';

export function formatDateTime(value: string | null | undefined): string {
  if (!value) return '—';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}

export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return new Intl.NumberFormat(locale()).format(value);
}

/** Compact counts for charts and cards: 1.2K, 3.4M (1.2千 / 340万 in Chinese). */
export function formatCompact(value: number): string {
  return new Intl.NumberFormat(locale(), { notation: 'compact', maximumFractionDigits: 1 }).format(value);
}

/**
 * "$0.000123" from "0.000123": trailing zeros trimmed but at least two decimals, the digits as the
 * api sent them (a decimal string never goes through a float here).
 */
export function formatUsd(value: string | null | undefined): string {
  if (value === null || value === undefined) return '—';
  const negative = value.startsWith('-');
  const [whole = '0', fraction = ''] = value.replace(/^-/, '').split('.');
  const trimmed = fraction.replace(/0+$/, '').padEnd(2, '0');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}$${grouped}.${trimmed}`;
}

export function formatMs(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${formatNumber(Math.round(value))} ms`;
}

export function formatPercent(ratio: number | null): string {
  if (ratio === null || Number.isNaN(ratio)) return '—';
  return new Intl.NumberFormat(locale(), { style: 'percent', maximumFractionDigits: 1 }).format(ratio);
}

/** The share of requests that did not fail; "—" when there were none. */
export function formatSuccessRate(requests: number, errors: number): string {
  return requests > 0 ? formatPercent((requests - errors) / requests) : '—';
}

/** A float USD amount for chart axes and tooltips: "$1.2K", "$3.5", "$0.00014" (two significant digits). */
export function formatUsdAxis(value: number): string {
  if (value === 0) return '$0';
  if (Math.abs(value) >= 1000) return `$${formatCompact(value)}`;
  const digits = Math.abs(value) >= 1 ? { maximumFractionDigits: 2 } : { maximumSignificantDigits: 2 };
  return `$${new Intl.NumberFormat(locale(), digits).format(value)}`;
}

/** "120 / 850 ms" (p50 / p95), units once. */
export function formatMsPair(a: number | null | undefined, b: number | null | undefined): string {
  if (a === null || a === undefined || b === null || b === undefined) return '—';
  if (a >= 10_000 || b >= 10_000) return `${formatMs(a)} / ${formatMs(b)}`;
  return `${formatNumber(Math.round(a))} / ${formatNumber(Math.round(b))} ms`;
}

/**
 * A period [start, end) as the days it covers, in `timeZone` (the tenant's) when given:
 * "Oct 1 – 31, 2026". The exclusive end is shown as the day before.
 */
export function formatPeriod(start: string, endExclusive: string, timeZone?: string): string {
  const from = new Date(start);
  const to = new Date(new Date(endExclusive).getTime() - 1);
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) return `${start} – ${endExclusive}`;
  try {
    return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeZone }).formatRange(from, to);
  } catch {
    // An unknown time zone name: the browser's own.
    return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium' }).formatRange(from, to);
  }
}

/** A moment close to now: just the time when it is today, the short date and time otherwise. */
export function formatMoment(value: string | null | undefined): string {
  if (!value) return '—';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  const today = new Date().toDateString() === date.toDateString();
  return new Intl.DateTimeFormat(
    locale(),
    today ? { timeStyle: 'short' } : { dateStyle: 'short', timeStyle: 'short' },
  ).format(date);
}
