// A key's caps per upstream model: model name → { rpm?, tpm?, rpd?, tpd? }, each a positive integer.
import { ValidateBy, ValidationOptions } from 'class-validator';
import { MODEL_NAME_PATTERN } from './channel-validators';

const LIMIT_FIELDS = ['rpm', 'tpm', 'rpd', 'tpd'] as const;
const INT32_MAX = 2_147_483_647;
export const MAX_MODEL_LIMITS = 200;

/** What is wrong with a modelLimits value, or null. */
export function modelLimitsProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return 'modelLimits must be an object of model → { rpm, tpm, rpd, tpd }';
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > MAX_MODEL_LIMITS) return `modelLimits must have at most ${MAX_MODEL_LIMITS} models`;
  for (const [model, caps] of entries) {
    if (!MODEL_NAME_PATTERN.test(model)) {
      return `modelLimits keys must be model names (1-200 characters, no whitespace)`;
    }
    if (typeof caps !== 'object' || caps === null || Array.isArray(caps)) {
      return `modelLimits.${model} must be an object of rpm, tpm, rpd, tpd`;
    }
    for (const [field, cap] of Object.entries(caps as Record<string, unknown>)) {
      if (!(LIMIT_FIELDS as readonly string[]).includes(field)) {
        return `modelLimits.${model}.${field} is not a limit (rpm, tpm, rpd, tpd)`;
      }
      if (typeof cap !== 'number' || !Number.isInteger(cap) || cap < 1 || cap > INT32_MAX) {
        return `modelLimits.${model}.${field} must be an integer from 1 to ${INT32_MAX}`;
      }
    }
  }
  return null;
}

export function IsModelLimits(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isModelLimits',
      validator: {
        validate: (value: unknown) => modelLimitsProblem(value) === null,
        defaultMessage: (args) => modelLimitsProblem(args?.value) ?? 'modelLimits is invalid',
      },
    },
    options,
  );
}
