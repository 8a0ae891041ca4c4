import { HttpStatus } from '@nestjs/common';

/** The migration domain's error codes, mapped to HTTP by the /api exception filter. */
export enum MigrationErrorCode {
  SourceUnreadable = 'source_unreadable',
  ValidationFailed = 'validation_failed',
}

const STATUS: Record<MigrationErrorCode, HttpStatus> = {
  [MigrationErrorCode.SourceUnreadable]: HttpStatus.BAD_REQUEST,
  [MigrationErrorCode.ValidationFailed]: HttpStatus.BAD_REQUEST,
};

export class MigrationError extends Error {
  readonly status: HttpStatus;
  constructor(
    readonly code: MigrationErrorCode,
    message: string,
  ) {
    super(message);
    this.status = STATUS[code];
  }
}
