import { HttpStatus } from '@nestjs/common';
import { domainErrorBase, domainErrorCodes } from '@gateway/common';

/** The usage domain's errors: each code with the HTTP status and the message clients see. */
const USAGE_ERRORS = {
  InvalidRange: { code: 'invalid_range', status: HttpStatus.BAD_REQUEST, message: 'to must be after from' },
} as const;

export const UsageErrorCode = domainErrorCodes(USAGE_ERRORS);

export class UsageError extends domainErrorBase(USAGE_ERRORS) {}
