// The IANA time zones a form offers (a tenant's billing zone, a channel's day reset zone).

/** The browser's own list of IANA zones, where it has one, with UTC (which some leave out) first. */
export function timeZones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  const zones = intl.supportedValuesOf?.('timeZone') ?? [];
  return ['UTC', ...zones.filter((zone) => zone !== 'UTC')];
}
