// The USD amount of a credit-side ledger line (top-up, adjustment, redemption code): a decimal
// string with at most 9 places (whole nano-USD), never zero, and at most MAX_CREDIT_USD in size,
// because the hot path's Redis mirror is exact only up to 2^53 nano-USD (≈ $9M) in total.
import { usdToNano } from '@gateway/db';
import { ValidateBy, ValidationOptions } from 'class-validator';
import { USD_PATTERN } from './set-price.dto';

export const MAX_CREDIT_USD = '1000000';
const MAX_CREDIT_NANO = usdToNano(MAX_CREDIT_USD);

/** "-1.5" → -1500000000n; "2" → 2000000000n. Throws RangeError on anything else. */
export function signedUsdToNano(amount: string): bigint {
  return amount.startsWith('-') ? -usdToNano(amount.slice(1)) : usdToNano(amount);
}

function creditNano(value: unknown, signed: boolean): bigint | null {
  if (typeof value !== 'string') return null;
  const magnitude = signed && value.startsWith('-') ? value.slice(1) : value;
  if (!USD_PATTERN.test(magnitude)) return null;
  const nano = usdToNano(magnitude);
  return nano > 0n && nano <= MAX_CREDIT_NANO ? nano : null;
}

/** A positive amount: 0 < amount ≤ MAX_CREDIT_USD. */
export function IsCreditUsd(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isCreditUsd',
      validator: {
        validate: (value: unknown) => creditNano(value, false) !== null,
        defaultMessage: (args) =>
          `${args?.property ?? 'amountUsd'} must be a USD amount as a string, greater than 0 and at most ${MAX_CREDIT_USD}, with at most 9 decimal places (e.g. "25" or "0.5")`,
      },
    },
    options,
  );
}

/** A signed, non-zero amount: 0 < |amount| ≤ MAX_CREDIT_USD. */
export function IsSignedCreditUsd(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isSignedCreditUsd',
      validator: {
        validate: (value: unknown) => creditNano(value, true) !== null,
        defaultMessage: (args) =>
          `${args?.property ?? 'amountUsd'} must be a non-zero USD amount as a string, at most ${MAX_CREDIT_USD} either way, with at most 9 decimal places (e.g. "10" or "-1.5")`,
      },
    },
    options,
  );
}
