// Field rules of a model chain.
import { ValidateBy, ValidationArguments, ValidationOptions } from 'class-validator';

/** What `model: "auto"` means; no chain may take the name. */
export const AUTO_MODEL = 'auto';
export const MAX_CHAIN_MODELS = 20;

/** A chain's name is a model name clients send, but not `auto` (the group's default chain). */
export function IsNotAuto(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isNotAuto',
      validator: {
        validate: (value: unknown) => value !== AUTO_MODEL,
        defaultMessage: (args?: ValidationArguments) =>
          `${args?.property ?? 'name'} must not be "${AUTO_MODEL}" (it names each group's default chain)`,
      },
    },
    options,
  );
}
