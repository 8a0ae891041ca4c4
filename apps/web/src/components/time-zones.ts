// The IANA time zones a form offers (a tenant's billing zone, a channel's day reset zone), in the
// spelling the api stores: the browser lists some zones by old names (Chromium's Asia/Calcutta), the
// api keeps IANA's current one (Asia/Kolkata), and a stored value must match an option to show as it.
import { storedZoneSpelling, UTC_ZONE } from '@gateway/common/time-zone-names';

export interface TimeZoneOption {
  value: string;
  label: string;
  /** The names a search finds it by: its own and those the browser lists it under. */
  names: string[];
}

/** The browser's own list of IANA zones, where it has one. */
function browserTimeZones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  return intl.supportedValuesOf?.('timeZone') ?? [];
}

/**
 * The zones of `listed` (the browser's by default) as the api spells them, each once, UTC (which some
 * browsers leave out) first; `stored`, a form's current value, too when the list lacks it, so that a
 * zone this browser does not know still shows as it is rather than blank.
 */
export function timeZoneOptions(
  listed: readonly string[] = browserTimeZones(),
  stored?: string | null,
): TimeZoneOption[] {
  const byZone = new Map<string, string[]>([[UTC_ZONE, [UTC_ZONE]]]);
  for (const name of [...listed, ...(stored ? [stored] : [])]) {
    const zone = storedZoneSpelling(name);
    const names = byZone.get(zone) ?? [zone];
    if (!names.includes(name)) names.push(name);
    byZone.set(zone, names);
  }
  return [...byZone].map(([zone, names]) => ({ value: zone, label: zone, names }));
}

/** Whether a search typed into a zone picker finds `option`, by any of its names, in any case. */
export function matchesTimeZone(input: string, option: TimeZoneOption | undefined): boolean {
  const wanted = input.trim().toLowerCase();
  return option?.names.some((name) => name.toLowerCase().includes(wanted)) ?? false;
}
