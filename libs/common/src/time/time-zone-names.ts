// Time zone names as the gateway stores them, without asking the runtime: what the api and the
// console share (the console lists its browser's zones in the api's spelling), so pure and DOM-free.

/** Every spelling of UTC (Etc/UTC, GMT, Zulu, ...) is stored as this, so they count the same days. */
export const UTC_ZONE = 'UTC';

/**
 * Zones IANA renamed whose old spelling ICU (CLDR) still gives as canonical, for stability: the name
 * it resolves an alias to, and the name IANA gives that zone now (tzdata's `backward` file, "renamed").
 */
export const RENAMED_TIME_ZONES: Readonly<Record<string, string>> = {
  'Africa/Asmera': 'Africa/Asmara',
  'America/Buenos_Aires': 'America/Argentina/Buenos_Aires',
  'America/Catamarca': 'America/Argentina/Catamarca',
  'America/Coral_Harbour': 'America/Atikokan',
  'America/Cordoba': 'America/Argentina/Cordoba',
  'America/Godthab': 'America/Nuuk',
  'America/Indianapolis': 'America/Indiana/Indianapolis',
  'America/Jujuy': 'America/Argentina/Jujuy',
  'America/Louisville': 'America/Kentucky/Louisville',
  'America/Mendoza': 'America/Argentina/Mendoza',
  'Asia/Calcutta': 'Asia/Kolkata',
  'Asia/Katmandu': 'Asia/Kathmandu',
  'Asia/Rangoon': 'Asia/Yangon',
  'Asia/Saigon': 'Asia/Ho_Chi_Minh',
  'Atlantic/Faeroe': 'Atlantic/Faroe',
  'Europe/Kiev': 'Europe/Kyiv',
  'Pacific/Enderbury': 'Pacific/Kanton',
  'Pacific/Ponape': 'Pacific/Pohnpei',
  'Pacific/Truk': 'Pacific/Chuuk',
};

/** Etc/UTC, Etc/GMT, GMT0, Zulu, Universal, ...: the zones that are UTC by name, not by offset. */
export function isUtcZoneName(zone: string): boolean {
  return /^(etc\/)?(utc|uct|gmt|gmt[+-]?0|greenwich|universal|zulu)$/i.test(zone);
}

/**
 * A zone as ICU spells it (a name from Intl.supportedValuesOf('timeZone'), or one a formatter
 * resolved) in the spelling the gateway stores: "UTC" for every UTC, IANA's current name for a zone
 * ICU still spells by an old one ("Asia/Calcutta" → "Asia/Kolkata").
 */
export function storedZoneSpelling(icuName: string): string {
  if (isUtcZoneName(icuName)) return UTC_ZONE;
  return RENAMED_TIME_ZONES[icuName] ?? icuName;
}
