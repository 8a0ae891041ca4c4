import { HttpStatus } from '@nestjs/common';
import { domainErrorBase, domainErrorCodes } from '@gateway/common';

/** The billing domain's errors: each code with the HTTP status and the message clients see. */
const BILLING_ERRORS = {
  NotFound: { code: 'not_found', status: HttpStatus.NOT_FOUND, message: 'not found' },
  PriceNotSet: {
    code: 'price_not_set',
    status: HttpStatus.NOT_FOUND,
    message: 'no price is set for this model',
  },
  ValidationFailed: { code: 'validation_failed', status: HttpStatus.BAD_REQUEST, message: 'invalid fields' },
  Conflict: { code: 'conflict', status: HttpStatus.CONFLICT, message: 'changed concurrently; try again' },
  RedemptionCodeNotFound: {
    code: 'redemption_code_not_found',
    status: HttpStatus.NOT_FOUND,
    message: 'no such redemption code; check it for typos',
  },
  RedemptionCodeRedeemed: {
    code: 'redemption_code_redeemed',
    status: HttpStatus.CONFLICT,
    message: 'this redemption code has already been redeemed',
  },
  RedemptionCodeExpired: {
    code: 'redemption_code_expired',
    status: HttpStatus.GONE,
    message: 'this redemption code has expired',
  },
  RedemptionCodeDisabled: {
    code: 'redemption_code_disabled',
    status: HttpStatus.GONE,
    message: 'this redemption code has been disabled',
  },
  PlanNameTaken: {
    code: 'plan_name_taken',
    status: HttpStatus.CONFLICT,
    message: 'a plan with this name already exists',
  },
  PlanNotAvailable: {
    code: 'plan_not_available',
    status: HttpStatus.BAD_REQUEST,
    message: 'no such active plan; planId must name an active plan',
  },
  NoSubscription: {
    code: 'no_subscription',
    status: HttpStatus.NOT_FOUND,
    message: 'this tenant has no subscription',
  },
} as const;

export const BillingErrorCode = domainErrorCodes(BILLING_ERRORS);

export class BillingError extends domainErrorBase(BILLING_ERRORS) {}
