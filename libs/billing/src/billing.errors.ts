import { HttpStatus } from '@nestjs/common';

/** The billing domain's error codes, mapped to HTTP by the /api exception filter. */
export enum BillingErrorCode {
  NotFound = 'not_found',
  PriceNotSet = 'price_not_set',
  ValidationFailed = 'validation_failed',
  Conflict = 'conflict',
  RedemptionCodeNotFound = 'redemption_code_not_found',
  RedemptionCodeRedeemed = 'redemption_code_redeemed',
  RedemptionCodeExpired = 'redemption_code_expired',
  PlanNameTaken = 'plan_name_taken',
  PlanNotAvailable = 'plan_not_available',
  NoSubscription = 'no_subscription',
}

const STATUS: Record<BillingErrorCode, HttpStatus> = {
  [BillingErrorCode.NotFound]: HttpStatus.NOT_FOUND,
  [BillingErrorCode.PriceNotSet]: HttpStatus.NOT_FOUND,
  [BillingErrorCode.ValidationFailed]: HttpStatus.BAD_REQUEST,
  [BillingErrorCode.Conflict]: HttpStatus.CONFLICT,
  [BillingErrorCode.RedemptionCodeNotFound]: HttpStatus.NOT_FOUND,
  [BillingErrorCode.RedemptionCodeRedeemed]: HttpStatus.CONFLICT,
  [BillingErrorCode.RedemptionCodeExpired]: HttpStatus.GONE,
  [BillingErrorCode.PlanNameTaken]: HttpStatus.CONFLICT,
  [BillingErrorCode.PlanNotAvailable]: HttpStatus.BAD_REQUEST,
  [BillingErrorCode.NoSubscription]: HttpStatus.NOT_FOUND,
};

const MESSAGE: Record<BillingErrorCode, string> = {
  [BillingErrorCode.NotFound]: 'not found',
  [BillingErrorCode.PriceNotSet]: 'no price is set for this model',
  [BillingErrorCode.ValidationFailed]: 'invalid fields',
  [BillingErrorCode.Conflict]: 'changed concurrently; try again',
  [BillingErrorCode.RedemptionCodeNotFound]: 'no such redemption code; check it for typos',
  [BillingErrorCode.RedemptionCodeRedeemed]: 'this redemption code has already been redeemed',
  [BillingErrorCode.RedemptionCodeExpired]: 'this redemption code has expired',
  [BillingErrorCode.PlanNameTaken]: 'a plan with this name already exists',
  [BillingErrorCode.PlanNotAvailable]: 'no such active plan; planId must name an active plan',
  [BillingErrorCode.NoSubscription]: 'this tenant has no subscription',
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
