import { HttpStatus } from '@nestjs/common';
import { domainErrorBase, domainErrorCodes } from '@gateway/common';

/** The settings domain's errors: each code with the HTTP status and the message clients see. */
const SETTINGS_ERRORS = {
  ValidationFailed: { code: 'validation_failed', status: HttpStatus.BAD_REQUEST, message: 'invalid fields' },
  ExchangeRateNotFound: {
    code: 'exchange_rate_not_found',
    status: HttpStatus.NOT_FOUND,
    message: 'no rate is set for this currency and month',
  },
  SecretUndecryptable: {
    code: 'secret_undecryptable',
    status: HttpStatus.INTERNAL_SERVER_ERROR,
    message:
      'a stored settings secret cannot be decrypted with the configured ENCRYPTION_KEY (or ENCRYPTION_KEYS_PREVIOUS)',
  },
} as const;

export const SettingsErrorCode = domainErrorCodes(SETTINGS_ERRORS);

export class SettingsError extends domainErrorBase(SETTINGS_ERRORS) {}
