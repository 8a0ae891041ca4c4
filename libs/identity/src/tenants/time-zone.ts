import { registerDecorator, ValidationOptions } from 'class-validator';

// The spelling check lives in @gateway/common (channels use it too); here is the /api decorator.
import { canonicalTimeZone } from '@gateway/common';

export { canonicalTimeZone };

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
