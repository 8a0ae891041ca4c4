import { domainErrorBase, domainErrorCodes } from '@gateway/common';
import { HttpStatus } from '@nestjs/common';

/** The migration domain's errors: each code with the HTTP status and the message clients see. */
const MIGRATION_ERRORS = {
  SourceUnreadable: {
    code: 'source_unreadable',
    status: HttpStatus.BAD_REQUEST,
    message: 'the NewAPI source could not be read',
  },
  ValidationFailed: {
    code: 'validation_failed',
    status: HttpStatus.BAD_REQUEST,
    message: 'the NewAPI source does not look like a NewAPI or one-api database',
  },
  ImportRunning: {
    code: 'import_running',
    status: HttpStatus.CONFLICT,
    message: 'another NewAPI import is running; run this one again when it has finished',
  },
} as const;

export const MigrationErrorCode = domainErrorCodes(MIGRATION_ERRORS);

export class MigrationError extends domainErrorBase(MIGRATION_ERRORS) {}
