import { HttpStatus } from '@nestjs/common';

/** The tokens domain's error codes, mapped to HTTP by the /api exception filter. */
export enum TokensErrorCode {
  NotFound = 'not_found',
  TenantNotFound = 'tenant_not_found',
  Revoked = 'token_revoked',
}

const STATUS: Record<TokensErrorCode, HttpStatus> = {
  [TokensErrorCode.NotFound]: HttpStatus.NOT_FOUND,
  [TokensErrorCode.TenantNotFound]: HttpStatus.NOT_FOUND,
  [TokensErrorCode.Revoked]: HttpStatus.CONFLICT,
};

const MESSAGE: Record<TokensErrorCode, string> = {
  [TokensErrorCode.NotFound]: 'token not found',
  [TokensErrorCode.TenantNotFound]: 'tenant not found',
  [TokensErrorCode.Revoked]: 'a revoked token stays revoked; create a new one',
};

export class TokensError extends Error {
  readonly status: HttpStatus;
  constructor(
    readonly code: TokensErrorCode,
    message?: string,
  ) {
    super(message ?? MESSAGE[code]);
    this.status = STATUS[code];
  }
}
