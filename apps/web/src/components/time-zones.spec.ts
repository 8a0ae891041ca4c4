import { matchesTimeZone, timeZoneOptions } from './time-zones';

describe('timeZoneOptions', () => {
  const listed = ['Asia/Calcutta', 'Etc/UTC', 'Europe/Kiev', 'UTC', 'Asia/Tokyo', 'GMT'];

  it('offers each zone in the spelling the api stores, UTC once and first', () => {
    expect(timeZoneOptions(listed).map((o) => o.value)).toEqual([
      'UTC',
      'Asia/Kolkata',
      'Europe/Kyiv',
      'Asia/Tokyo',
    ]);
  });

  it('finds a renamed zone by its old name or its new one', () => {
    const kolkata = timeZoneOptions(listed).find((o) => o.value === 'Asia/Kolkata')!;
    expect(matchesTimeZone('calcutta', kolkata)).toBe(true);
    expect(matchesTimeZone('Kolkata', kolkata)).toBe(true);
    expect(matchesTimeZone('Tokyo', kolkata)).toBe(false);
  });

  it('offers a stored zone the list does not have, as it is', () => {
    expect(timeZoneOptions(['UTC'], 'America/Ciudad_Juarez').map((o) => o.value)).toEqual([
      'UTC',
      'America/Ciudad_Juarez',
    ]);
    expect(timeZoneOptions(['UTC', 'Asia/Calcutta'], 'Asia/Kolkata').map((o) => o.value)).toEqual([
      'UTC',
      'Asia/Kolkata',
    ]);
  });
});
