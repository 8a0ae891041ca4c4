// class-validator decorators for the token fields that the stock ones do not cover.
import { isUsdAmount, usdToNano } from '@gateway/db';
import { registerDecorator, ValidationArguments, ValidationOptions } from 'class-validator';
import { parseCidr } from '../ip/ip-allowlist';

/**
 * The hot path's Redis mirror counts a token's spend in Lua doubles, exact only to 2^53 nano-USD
 * (about $9M, decision 0005); one million USD, like credits and plan amounts, stays well inside.
 */
export const MAX_QUOTA_USD = '1000000';
const MAX_QUOTA_NANO = usdToNano(MAX_QUOTA_USD);

/** A decimal USD string (`"12.5"`, not the number 12.5), at most MAX_QUOTA_USD. */
export function IsUsdQuota(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isUsdQuota',
      target: target.constructor,
      propertyName: String(propertyName),
      options: {
        message: ({ property }: ValidationArguments) =>
          `${property} must be a decimal USD string such as "12.50" (at most 9 decimals, at most ${MAX_QUOTA_USD}), or null for unlimited`,
        ...options,
      },
      validator: {
        validate: (value: unknown) => isUsdAmount(value) && usdToNano(value) <= MAX_QUOTA_NANO,
      },
    });
}

/** An ISO 8601 instant later than now. */
export function IsFutureInstant(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isFutureInstant',
      target: target.constructor,
      propertyName: String(propertyName),
      options: {
        message: ({ property }: ValidationArguments) => `${property} must be in the future`,
        ...options,
      },
      validator: {
        validate: (value: unknown) => typeof value === 'string' && Date.parse(value) > Date.now(),
      },
    });
}

/** An array of CIDRs (v4 or v6; a bare address means /32 or /128); the message names the bad entries. */
export function IsCidrList(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isCidrList',
      target: target.constructor,
      propertyName: String(propertyName),
      options: {
        message: ({ property, value }: ValidationArguments) => {
          const bad = Array.isArray(value) ? value.filter((entry) => !isCidr(entry)) : [];
          return `${property} entries must be CIDRs such as 10.0.0.0/8 or 2001:db8::/32 (a bare address means /32 or /128); not: ${bad
            .slice(0, 5)
            .map((entry) => String(JSON.stringify(entry)).slice(0, 70))
            .join(', ')}`;
        },
        ...options,
      },
      validator: {
        validate: (value: unknown) => Array.isArray(value) && value.every(isCidr),
      },
    });
}

function isCidr(entry: unknown): boolean {
  return typeof entry === 'string' && parseCidr(entry) !== undefined;
}
