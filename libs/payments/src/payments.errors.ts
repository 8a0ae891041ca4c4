import { HttpStatus } from '@nestjs/common';
import { domainErrorBase, domainErrorCodes } from '@gateway/common';

/** The payments domain's errors: each code with the HTTP status and the message clients see. */
const PAYMENTS_ERRORS = {
  NotFound: { code: 'not_found', status: HttpStatus.NOT_FOUND, message: 'not found' },
  ValidationFailed: { code: 'validation_failed', status: HttpStatus.BAD_REQUEST, message: 'invalid fields' },
  ProviderNotEnabled: {
    code: 'payment_provider_not_enabled',
    status: HttpStatus.BAD_REQUEST,
    message: 'this payment provider is not enabled; provider must name an enabled one',
  },
  ProviderNotConfigured: {
    code: 'payment_provider_not_configured',
    status: HttpStatus.BAD_REQUEST,
    message: 'this payment provider is missing settings or secrets',
  },
  ProviderUnavailable: {
    code: 'payment_provider_unavailable',
    status: HttpStatus.BAD_GATEWAY,
    message: 'the payment provider could not create the payment; try again later',
  },
  SignatureInvalid: {
    code: 'payment_signature_invalid',
    status: HttpStatus.BAD_REQUEST,
    message: 'the notification’s signature does not verify',
  },
  AmountMismatch: {
    code: 'payment_amount_mismatch',
    status: HttpStatus.BAD_REQUEST,
    message: 'the amount or currency paid differs from the order’s; nothing was credited',
  },
} as const;

export const PaymentsErrorCode = domainErrorCodes(PAYMENTS_ERRORS);

export class PaymentsError extends domainErrorBase(PAYMENTS_ERRORS) {}
