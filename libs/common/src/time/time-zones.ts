// IANA time zones as the whole gateway reads them: a tenant's (billing periods), a channel's (when its
// keys' daily caps reset). One spelling check, and one cached wall-clock formatter per zone, since
// an Intl.DateTimeFormat costs far more to build than to use.

// ICU's own spellings, by lower-cased name, to fix the case of what a client sends.
let spellings: Map<string, string> | undefined;

/**
 * `zone` spelled properly (e.g. "europe/paris" → "Europe/Paris"), or undefined when it is not a
 * zone. A valid alias the list does not hold (Asia/Kolkata, Etc/UTC) is kept as given rather than
 * swapped for ICU's older canonical name. Offsets such as "+05:00" are refused: a zone's midnight
 * needs its DST rules.
 */
export function canonicalTimeZone(zone: unknown): string | undefined {
  if (typeof zone !== 'string' || !/^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/.test(zone)) return undefined;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
  } catch {
    return undefined;
  }
  spellings ??= new Map(
    [...Intl.supportedValuesOf('timeZone'), 'UTC'].map((name) => [name.toLowerCase(), name]),
  );
  return spellings.get(zone.toLowerCase()) ?? zone;
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
