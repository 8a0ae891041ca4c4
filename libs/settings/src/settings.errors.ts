import { HttpStatus } from '@nestjs/common';

/** The settings domain's error codes, mapped to HTTP by the /api exception filter. */
export enum SettingsErrorCode {
  ValidationFailed = 'validation_failed',
}

const STATUS: Record<SettingsErrorCode, HttpStatus> = {
  [SettingsErrorCode.ValidationFailed]: HttpStatus.BAD_REQUEST,
};

export class SettingsError extends Error {
  readonly status: HttpStatus;
  constructor(
    readonly code: SettingsErrorCode,
    message: string,
    /** The fields at fault, in the /api error shape. */
    readonly errors?: { field: string; messages: string[] }[],
  ) {
    super(message);
    this.status = STATUS[code];
  }
}
