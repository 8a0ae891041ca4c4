import { canonicalTimeZone } from './time-zone';

describe('canonicalTimeZone', () => {
  it.each([
    ['UTC', 'UTC'],
    ['utc', 'UTC'],
    ['Europe/Paris', 'Europe/Paris'],
    ['europe/paris', 'Europe/Paris'],
    ['America/Argentina/Buenos_Aires', 'America/Argentina/Buenos_Aires'],
    ['Asia/Kolkata', 'Asia/Kolkata'],
    ['asia/tokyo', 'Asia/Tokyo'],
    ['Etc/GMT+5', 'Etc/GMT+5'],
  ])('%s is a zone: %s', (input, canonical) => {
    expect(canonicalTimeZone(input)).toBe(canonical);
  });

  it.each(['Mars/Olympus', '+05:00', '-0800', '', ' UTC', 'Europe/Paris\n', 'x'.repeat(70)])(
    '%j is not a zone',
    (input) => {
      expect(canonicalTimeZone(input)).toBeUndefined();
    },
  );
});
