import { HttpStatus } from '@nestjs/common';

/** The billing domain's error codes, mapped to HTTP by the /api exception filter. */
export enum BillingErrorCode {
  NotFound = 'not_found',
  PriceNotSet = 'price_not_set',
  ValidationFailed = 'validation_failed',
  Conflict = 'conflict',
}

const STATUS: Record<BillingErrorCode, HttpStatus> = {
  [BillingErrorCode.NotFound]: HttpStatus.NOT_FOUND,
  [BillingErrorCode.PriceNotSet]: HttpStatus.NOT_FOUND,
  [BillingErrorCode.ValidationFailed]: HttpStatus.BAD_REQUEST,
  [BillingErrorCode.Conflict]: HttpStatus.CONFLICT,
};

const MESSAGE: Record<BillingErrorCode, string> = {
  [BillingErrorCode.NotFound]: 'not found',
  [BillingErrorCode.PriceNotSet]: 'no price is set for this model',
  [BillingErrorCode.ValidationFailed]: 'invalid fields',
  [BillingErrorCode.Conflict]: 'changed concurrently; try again',
};

export class BillingError extends Error {
  readonly status: HttpStatus;
  constructor(
    readonly code: BillingErrorCode,
    message?: string,
  ) {
    super(message ?? MESSAGE[code]);
    this.name = 'BillingError';
    this.status = STATUS[code];
  }
}
