import { HttpStatus } from '@nestjs/common';

/** The usage domain's error codes, mapped to HTTP by the /api exception filter. */
export enum UsageErrorCode {
  InvalidRange = 'invalid_range',
}

const STATUS: Record<UsageErrorCode, HttpStatus> = {
  [UsageErrorCode.InvalidRange]: HttpStatus.BAD_REQUEST,
};

const MESSAGE: Record<UsageErrorCode, string> = {
  [UsageErrorCode.InvalidRange]: 'to must be after from',
};

export class UsageError extends Error {
  readonly status: HttpStatus;
  constructor(
    readonly code: UsageErrorCode,
    message?: string,
  ) {
    super(message ?? MESSAGE[code]);
    this.status = STATUS[code];
  }
}
