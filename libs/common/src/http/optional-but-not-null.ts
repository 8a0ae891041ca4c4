import { ValidateIf } from 'class-validator';

/**
 * For body fields that may be left out but not cleared: unlike @IsOptional(), a null is still
 * validated (and so refused by the field's type check), which keeps a null away from a NOT NULL
 * column and from a PATCH that means "leave as is".
 */
export function OptionalButNotNull(): PropertyDecorator {
  return ValidateIf((_object: object, value: unknown) => value !== undefined);
}
