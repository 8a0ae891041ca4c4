import { ValidateIf } from 'class-validator';

/**
 * For PATCH fields that may be left out but not cleared: unlike @IsOptional(), a null is still
 * validated (and so refused by the field's type check).
 */
export function OptionalButNotNull(): PropertyDecorator {
  return ValidateIf((_object: object, value: unknown) => value !== undefined);
}
