// Any failure of a /v1 request as the RelayError its client is sent: a RelayError as it is, a store
// that did not answer (Redis, or PostgreSQL for what no snapshot holds yet) as a 503 with a code,
// anything else (a bug) as a logged 500 that says nothing of its cause.
import type { Logger } from '@nestjs/common';
import { isPostgresUnavailable } from '@gateway/db';
import { isRedisUnavailable } from '@gateway/redis';
import { RelayError, RelayErrorCode } from '../relay.errors';

export function asRelayError(error: unknown, logger: Logger): RelayError {
  if (error instanceof RelayError) return error;
  if (isPostgresUnavailable(error)) {
    logger.warn(`PostgreSQL unavailable: ${(error as Error).message}`);
    return new RelayError(
      RelayErrorCode.StoreUnavailable,
      'the gateway cannot reach its database right now; retry shortly',
      { retryAfterMs: 1000 },
    );
  }
  // Holds and limits live in Redis: without it nothing is admitted (fail closed), said as a 503.
  if (isRedisUnavailable(error)) {
    logger.warn(`Redis unavailable: ${(error as Error).message}`);
    return new RelayError(
      RelayErrorCode.StoreUnavailable,
      'the gateway cannot reach its limits and balances store right now; retry shortly',
      { retryAfterMs: 1000 },
    );
  }
  logger.error({ err: error }, 'relay failed unexpectedly');
  return new RelayError(RelayErrorCode.Internal, 'the gateway failed to handle this request');
}
