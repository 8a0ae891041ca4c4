import { HttpStatus } from '@nestjs/common';
import { domainErrorBase, domainErrorCodes } from '@gateway/common';

/** The idempotency keys' errors: each code with the HTTP status and the message clients see. */
const IDEMPOTENCY_ERRORS = {
  InvalidKey: {
    code: 'validation_failed',
    status: HttpStatus.BAD_REQUEST,
    message: 'Idempotency-Key must be 1 to 255 printable ASCII characters',
  },
  KeyReused: {
    code: 'idempotency_key_reused',
    status: HttpStatus.UNPROCESSABLE_ENTITY,
    message:
      'this Idempotency-Key was used for another request (another route or body); send a new key for a new request',
  },
  KeyInUse: {
    code: 'idempotency_key_in_use',
    status: HttpStatus.CONFLICT,
    message: 'the first request with this Idempotency-Key is still running; retry once it has answered',
  },
  KeyUnresolved: {
    code: 'idempotency_key_unresolved',
    status: HttpStatus.CONFLICT,
    message:
      'the first request with this Idempotency-Key never answered (the api stopped, or its answer could not be stored) and will not run again; check whether it took effect before sending a new key',
  },
  ResponseUnreadable: {
    code: 'idempotency_response_unreadable',
    status: HttpStatus.CONFLICT,
    message:
      'the answer stored for this Idempotency-Key was sealed with a master key this process lacks; check whether the first request took effect before sending a new key',
  },
} as const;

export const IdempotencyErrorCode = domainErrorCodes(IDEMPOTENCY_ERRORS);

export class IdempotencyError extends domainErrorBase(IDEMPOTENCY_ERRORS) {}
