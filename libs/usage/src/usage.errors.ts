import { HttpStatus } from '@nestjs/common';
import { domainErrorBase, type DomainErrorTable } from '@gateway/common';

/** The usage domain's error codes; their statuses and messages are in USAGE_ERRORS. */
export enum UsageErrorCode {
  InvalidRange = 'invalid_range',
}

const USAGE_ERRORS: DomainErrorTable<UsageErrorCode> = {
  [UsageErrorCode.InvalidRange]: { status: HttpStatus.BAD_REQUEST, message: 'to must be after from' },
};

export class UsageError extends domainErrorBase(USAGE_ERRORS) {}
