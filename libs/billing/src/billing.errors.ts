import { HttpStatus } from '@nestjs/common';
import { domainErrorBase, type DomainErrorTable } from '@gateway/common';

/** The billing domain's error codes; their statuses and messages are in BILLING_ERRORS. */
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

const BILLING_ERRORS: DomainErrorTable<BillingErrorCode> = {
  [BillingErrorCode.NotFound]: { status: HttpStatus.NOT_FOUND, message: 'not found' },
  [BillingErrorCode.PriceNotSet]: { status: HttpStatus.NOT_FOUND, message: 'no price is set for this model' },
  [BillingErrorCode.ValidationFailed]: { status: HttpStatus.BAD_REQUEST, message: 'invalid fields' },
  [BillingErrorCode.Conflict]: { status: HttpStatus.CONFLICT, message: 'changed concurrently; try again' },
  [BillingErrorCode.RedemptionCodeNotFound]: {
    status: HttpStatus.NOT_FOUND,
    message: 'no such redemption code; check it for typos',
  },
  [BillingErrorCode.RedemptionCodeRedeemed]: {
    status: HttpStatus.CONFLICT,
    message: 'this redemption code has already been redeemed',
  },
  [BillingErrorCode.RedemptionCodeExpired]: {
    status: HttpStatus.GONE,
    message: 'this redemption code has expired',
  },
  [BillingErrorCode.PlanNameTaken]: {
    status: HttpStatus.CONFLICT,
    message: 'a plan with this name already exists',
  },
  [BillingErrorCode.PlanNotAvailable]: {
    status: HttpStatus.BAD_REQUEST,
    message: 'no such active plan; planId must name an active plan',
  },
  [BillingErrorCode.NoSubscription]: {
    status: HttpStatus.NOT_FOUND,
    message: 'this tenant has no subscription',
  },
};

export class BillingError extends domainErrorBase(BILLING_ERRORS) {}
