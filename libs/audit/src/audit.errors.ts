import { HttpStatus } from '@nestjs/common';
import { domainErrorBase, type DomainErrorTable } from '@gateway/common';

/** The audit domain's error codes; their statuses and messages are in AUDIT_ERRORS. */
export enum AuditErrorCode {
  InvalidRange = 'invalid_range',
}

const AUDIT_ERRORS: DomainErrorTable<AuditErrorCode> = {
  [AuditErrorCode.InvalidRange]: { status: HttpStatus.BAD_REQUEST, message: 'from must not be after to' },
};

export class AuditError extends domainErrorBase(AUDIT_ERRORS) {}
