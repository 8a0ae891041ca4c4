// Field rules of a channel that class-validator has no decorator for.
import { ValidateBy, ValidationArguments, ValidationOptions } from 'class-validator';
import { BASE_URL_RULE, normalizeBaseUrl } from '../base-url';
import { canonicalTimeZone } from '@gateway/common';

/** A model name as clients send it: 1..200 characters, no whitespace. */
export const MODEL_NAME_PATTERN = /^\S{1,200}$/;
/** A tenant routing group. */
export const GROUP_PATTERN = /^[a-z0-9_-]{1,64}$/;

export function IsBaseUrl(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isBaseUrl',
      validator: {
        validate: (value: unknown) => normalizeBaseUrl(value) !== null,
        defaultMessage: (args?: ValidationArguments) => `${args?.property ?? 'baseUrl'} ${BASE_URL_RULE}`,
      },
    },
    options,
  );
}

/** An IANA time zone name (`America/Los_Angeles`, `UTC`) that this runtime's Intl knows. */
export function IsTimeZone(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isTimeZone',
      validator: {
        validate: (value: unknown) => canonicalTimeZone(value) !== undefined,
        defaultMessage: (args?: ValidationArguments) =>
          `${args?.property ?? 'timeZone'} must be an IANA time zone name such as America/Los_Angeles or UTC`,
      },
    },
    options,
  );
}

/** What is wrong with a modelMapping, or null. `models` is checked only when the body carries it. */
export function modelMappingProblem(mapping: unknown, models: unknown): string | null {
  if (typeof mapping !== 'object' || mapping === null || Array.isArray(mapping)) {
    return 'modelMapping must be an object of alias → upstream model name';
  }
  const entries = Object.entries(mapping as Record<string, unknown>);
  if (entries.length > 1000) return 'modelMapping must have at most 1000 entries';
  const badValues = entries
    .filter(([, upstream]) => typeof upstream !== 'string' || !MODEL_NAME_PATTERN.test(upstream))
    .map(([alias]) => alias);
  if (badValues.length > 0) {
    return `modelMapping values must be model names (1-200 characters, no whitespace); bad: ${badValues.slice(0, 10).join(', ')}`;
  }
  if (Array.isArray(models)) {
    const served = new Set(models);
    const unknown = entries.map(([alias]) => alias).filter((alias) => !served.has(alias));
    if (unknown.length > 0) {
      return `modelMapping keys must be listed in models; not in models: ${unknown.slice(0, 10).join(', ')}`;
    }
  }
  return null;
}

export function IsModelMapping(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isModelMapping',
      validator: {
        validate: (value: unknown, args?: ValidationArguments) =>
          modelMappingProblem(value, (args?.object as { models?: unknown } | undefined)?.models) === null,
        defaultMessage: (args?: ValidationArguments) =>
          modelMappingProblem(args?.value, (args?.object as { models?: unknown } | undefined)?.models) ??
          'modelMapping is invalid',
      },
    },
    options,
  );
}
