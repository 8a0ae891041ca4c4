import { registerDecorator, ValidationOptions } from 'class-validator';

// ICU's own spellings, by lower-cased name, to fix the case of what a client sends.
let spellings: Map<string, string> | undefined;

/**
 * `zone` spelled properly (e.g. "europe/paris" → "Europe/Paris"), or undefined when it is not a
 * zone. A valid alias the list does not hold (Asia/Kolkata, Etc/UTC) is kept as given rather than
 * swapped for ICU's older canonical name. Offsets such as "+05:00" are refused: billing periods need
 * a zone with its DST rules.
 */
export function canonicalTimeZone(zone: string): string | undefined {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/.test(zone)) return undefined;
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

export function IsIanaTimeZone(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isIanaTimeZone',
      target: target.constructor,
      propertyName: String(propertyName),
      options: {
        message: `${String(propertyName)} must be an IANA time zone such as Europe/Paris`,
        ...options,
      },
      validator: {
        validate: (value: unknown) => typeof value === 'string' && canonicalTimeZone(value) !== undefined,
      },
    });
}
