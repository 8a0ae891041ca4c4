import { Logger } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { RelayError, RelayErrorCode } from '../relay.errors';
import { asRelayError } from './as-relay-error';

describe('asRelayError', () => {
  const logger = new Logger('test');
  beforeEach(() => {
    jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    jest.spyOn(logger, 'error').mockImplementation(() => undefined);
  });

  it('says a PostgreSQL that is stopped or starting up is a 503 store_unavailable with Retry-After, not a 500', () => {
    const startingUp = new QueryFailedError(
      'SELECT 1',
      [],
      Object.assign(new Error('the database system is starting up'), { code: '57P03' }),
    );
    for (const error of [startingUp, new Error('Connection terminated unexpectedly')]) {
      const mapped = asRelayError(error, logger);
      expect(mapped.code).toBe(RelayErrorCode.StoreUnavailable);
      expect(mapped.status).toBe(503);
      expect(mapped.message).toContain('database');
    }
  });

  it('keeps a RelayError, and turns a bug into a logged 500', () => {
    const refusal = new RelayError(RelayErrorCode.ModelNotFound, 'no');
    expect(asRelayError(refusal, logger)).toBe(refusal);
    expect(asRelayError(new TypeError('x is undefined'), logger).status).toBe(500);
    expect(logger.error).toHaveBeenCalled();
  });
});
