import { HttpStatus } from '@nestjs/common';
import { domainErrorBase, type DomainErrorTable } from '@gateway/common';

/** The tokens domain's error codes; their statuses and messages are in TOKENS_ERRORS. */
export enum TokensErrorCode {
  NotFound = 'not_found',
  TenantNotFound = 'tenant_not_found',
}

const TOKENS_ERRORS: DomainErrorTable<TokensErrorCode> = {
  [TokensErrorCode.NotFound]: { status: HttpStatus.NOT_FOUND, message: 'token not found' },
  [TokensErrorCode.TenantNotFound]: { status: HttpStatus.NOT_FOUND, message: 'tenant not found' },
};

export class TokensError extends domainErrorBase(TOKENS_ERRORS) {}
