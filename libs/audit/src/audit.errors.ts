import { HttpStatus } from '@nestjs/common';
import { domainErrorBase, domainErrorCodes } from '@gateway/common';

/** The audit domain's errors: each code with the HTTP status and the message clients see. */
const AUDIT_ERRORS = {
  InvalidRange: {
    code: 'invalid_range',
    status: HttpStatus.BAD_REQUEST,
    message: 'from must not be after to',
  },
} as const;

export const AuditErrorCode = domainErrorCodes(AUDIT_ERRORS);

export class AuditError extends domainErrorBase(AUDIT_ERRORS) {}
