import { HttpStatus } from '@nestjs/common';

/** The tokens domain's error codes, mapped to HTTP by the /api exception filter. */
export enum TokensErrorCode {
  NotFound = 'not_found',
  TenantNotFound = 'tenant_not_found',
}

const STATUS: Record<TokensErrorCode, HttpStatus> = {
  [TokensErrorCode.NotFound]: HttpStatus.NOT_FOUND,
  [TokensErrorCode.TenantNotFound]: HttpStatus.NOT_FOUND,
};

const MESSAGE: Record<TokensErrorCode, string> = {
  [TokensErrorCode.NotFound]: 'token not found',
  [TokensErrorCode.TenantNotFound]: 'tenant not found',
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
