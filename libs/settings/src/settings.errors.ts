import { HttpStatus } from '@nestjs/common';
import { domainErrorBase, type DomainErrorTable } from '@gateway/common';

/** The settings domain's error codes; their statuses and messages are in SETTINGS_ERRORS. */
export enum SettingsErrorCode {
  ValidationFailed = 'validation_failed',
}

const SETTINGS_ERRORS: DomainErrorTable<SettingsErrorCode> = {
  [SettingsErrorCode.ValidationFailed]: { status: HttpStatus.BAD_REQUEST, message: 'invalid fields' },
};

export class SettingsError extends domainErrorBase(SETTINGS_ERRORS) {}
