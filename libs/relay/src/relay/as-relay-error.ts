// Any failure of a /v1 request as the RelayError its client is sent: a RelayError as it is, anything
// else (a bug, a lost connection to Redis) as a logged 500 that says nothing of its cause.
import type { Logger } from '@nestjs/common';
import { RelayError, RelayErrorCode } from '../relay.errors';

export function asRelayError(error: unknown, logger: Logger): RelayError {
  if (error instanceof RelayError) return error;
  logger.error({ err: error }, 'relay failed unexpectedly');
  return new RelayError(RelayErrorCode.Internal, 'the gateway failed to handle this request');
}
