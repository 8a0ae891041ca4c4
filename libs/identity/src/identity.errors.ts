import { HttpStatus } from '@nestjs/common';

/** The identity domain's error codes, mapped to HTTP by the /api exception filter. */
export enum IdentityErrorCode {
  InvalidCredentials = 'invalid_credentials',
  Unauthenticated = 'unauthenticated',
  Forbidden = 'forbidden',
}

const STATUS: Record<IdentityErrorCode, HttpStatus> = {
  [IdentityErrorCode.InvalidCredentials]: HttpStatus.UNAUTHORIZED,
  [IdentityErrorCode.Unauthenticated]: HttpStatus.UNAUTHORIZED,
  [IdentityErrorCode.Forbidden]: HttpStatus.FORBIDDEN,
};

const MESSAGE: Record<IdentityErrorCode, string> = {
  [IdentityErrorCode.InvalidCredentials]: 'email or password is wrong',
  [IdentityErrorCode.Unauthenticated]: 'log in first: send Authorization: Bearer <accessToken>',
  [IdentityErrorCode.Forbidden]: 'your role may not do this',
};

export class IdentityError extends Error {
  readonly status: HttpStatus;
  constructor(readonly code: IdentityErrorCode) {
    super(MESSAGE[code]);
    this.status = STATUS[code];
  }
}
