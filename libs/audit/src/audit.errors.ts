import { HttpStatus } from '@nestjs/common';

/** The audit domain's error codes, mapped to HTTP by the /api exception filter. */
export enum AuditErrorCode {
  InvalidRange = 'invalid_range',
}

const STATUS: Record<AuditErrorCode, HttpStatus> = {
  [AuditErrorCode.InvalidRange]: HttpStatus.BAD_REQUEST,
};

const MESSAGE: Record<AuditErrorCode, string> = {
  [AuditErrorCode.InvalidRange]: 'from must not be after to',
};

export class AuditError extends Error {
  readonly status: HttpStatus;
  constructor(
    readonly code: AuditErrorCode,
    message?: string,
  ) {
    super(message ?? MESSAGE[code]);
    this.status = STATUS[code];
  }
}
