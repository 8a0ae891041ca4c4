// IANA time zones as the whole gateway reads them: a tenant's (billing periods), a channel's (when its
// keys' daily caps reset). One spelling check, and one cached wall-clock formatter per zone, since
// an Intl.DateTimeFormat costs far more to build than to use.

import { RENAMED_TIME_ZONES, storedZoneSpelling, UTC_ZONE } from './time-zone-names';

// ICU's own spellings, by lower-cased name, to fix the case of what a client sends.
let spellings: Map<string, string> | undefined;

/**
 * `zone` in its canonical IANA spelling (e.g. "europe/paris" → "Europe/Paris", "US/Pacific" →
 * "America/Los_Angeles", "asia/kolkata" → "Asia/Kolkata"), or undefined when it is not a zone. An
 * alias is stored as the zone it names, so two spellings of one zone are one zone wherever zones are
 * compared or name things (a key's daily windows); every spelling of UTC is "UTC". Offsets such as
 * "+05:00" are refused: a zone's midnight needs its DST rules.
 */
export function canonicalTimeZone(zone: unknown): string | undefined {
  if (typeof zone !== 'string' || !/^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/.test(zone)) return undefined;
  let resolved: string;
  try {
    // ICU resolves an alias, in any case, to the zone it names (in CLDR's spelling: see
    // RENAMED_TIME_ZONES).
    resolved = new Intl.DateTimeFormat('en', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
  spellings ??= new Map(
    [...Intl.supportedValuesOf('timeZone'), ...Object.values(RENAMED_TIME_ZONES), UTC_ZONE].map((name) => [
      name.toLowerCase(),
      name,
    ]),
  );
  // A runtime that keeps the alias as given (newer ICU does) still gets the listed spelling's case.
  return storedZoneSpelling(spellings.get(resolved.toLowerCase()) ?? resolved);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * A formatter of the wall clock in `timeZone` (numeric year to second, 24-hour), built once per
 * zone. Throws RangeError for a zone the runtime does not know.
 */
export function wallClockFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}
