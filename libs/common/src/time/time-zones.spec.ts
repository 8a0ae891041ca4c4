import { canonicalTimeZone } from './time-zones';

describe('canonicalTimeZone', () => {
  it.each([
    // Aliases ICU accepts but does not list: stored as the IANA zone they name.
    ['asia/kolkata', 'Asia/Kolkata'],
    ['Asia/Kolkata', 'Asia/Kolkata'],
    ['Asia/Calcutta', 'Asia/Kolkata'],
    ['US/Pacific', 'America/Los_Angeles'],
    ['us/pacific', 'America/Los_Angeles'],
    ['Europe/Kiev', 'Europe/Kyiv'],
    ['europe/kyiv', 'Europe/Kyiv'],
    ['Asia/Saigon', 'Asia/Ho_Chi_Minh'],
    ['America/Buenos_Aires', 'America/Argentina/Buenos_Aires'],
    ['America/Indianapolis', 'America/Indiana/Indianapolis'],
    ['Japan', 'Asia/Tokyo'],
    ['Europe/Paris', 'Europe/Paris'],
    // Every spelling of UTC is one zone, so its channels count the same days.
    ['UTC', 'UTC'],
    ['utc', 'UTC'],
    ['Etc/UTC', 'UTC'],
    ['Etc/GMT', 'UTC'],
    ['GMT', 'UTC'],
    ['Zulu', 'UTC'],
    ['Etc/Universal', 'UTC'],
    ['Etc/GMT+5', 'Etc/GMT+5'],
    ['etc/gmt-14', 'Etc/GMT-14'],
  ])('%s is stored as %s', (input, canonical) => {
    expect(canonicalTimeZone(input)).toBe(canonical);
  });

  it('gives every zone the runtime lists one spelling that is its own canonical spelling', () => {
    for (const zone of Intl.supportedValuesOf('timeZone')) {
      const canonical = canonicalTimeZone(zone);
      expect([zone, canonical !== undefined]).toEqual([zone, true]);
      expect([zone, canonicalTimeZone(canonical)]).toEqual([zone, canonical]);
      expect([zone, canonicalTimeZone(canonical!.toLowerCase())]).toEqual([zone, canonical]);
    }
  });
});
