import { HttpStatus } from '@nestjs/common';
import { domainErrorBase, domainErrorCodes } from '@gateway/common';

/** The tokens domain's errors: each code with the HTTP status and the message clients see. */
const TOKENS_ERRORS = {
  NotFound: { code: 'not_found', status: HttpStatus.NOT_FOUND, message: 'token not found' },
  TenantNotFound: { code: 'tenant_not_found', status: HttpStatus.NOT_FOUND, message: 'tenant not found' },
  Revoked: {
    code: 'token_revoked',
    status: HttpStatus.CONFLICT,
    message: 'a revoked token stays revoked; create a new one',
  },
} as const;

export const TokensErrorCode = domainErrorCodes(TOKENS_ERRORS);

export class TokensError extends domainErrorBase(TOKENS_ERRORS) {}
