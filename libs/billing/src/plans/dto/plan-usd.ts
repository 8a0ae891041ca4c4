// A plan's money (fee, allowance, spend cap): a decimal USD string ≥ 0 with at most 9 places, at
// most MAX_PLAN_USD so any sum the hot path's Redis mirror makes of it stays exact (< 2^53 nano).
import { usdToNano } from '@gateway/db';
import { ValidateBy, ValidationOptions } from 'class-validator';
import { USD_PATTERN } from '../../dto/set-price.dto';

export const MAX_PLAN_USD = '1000000';
const MAX_PLAN_NANO = usdToNano(MAX_PLAN_USD);

export function isPlanUsd(value: unknown): value is string {
  return typeof value === 'string' && USD_PATTERN.test(value) && usdToNano(value) <= MAX_PLAN_NANO;
}

export function IsPlanUsd(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isPlanUsd',
      validator: {
        validate: isPlanUsd,
        defaultMessage: (args) =>
          `${args?.property ?? 'amount'} must be a USD amount as a string, from 0 to ${MAX_PLAN_USD}, with at most 9 decimal places (e.g. "20" or "0.5")`,
      },
    },
    options,
  );
}
