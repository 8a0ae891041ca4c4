import { QueryFailedError } from 'typeorm';
import { isPostgresUnavailable } from './postgres-unavailable';

const pgError = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('isPostgresUnavailable', () => {
  it('knows a server starting up, shutting down, out of connections or cut off', () => {
    for (const code of ['57P03', '57P01', '57P02', '53300', '08006', '08001']) {
      expect(isPostgresUnavailable(pgError(code))).toBe(true);
    }
    expect(isPostgresUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isPostgresUnavailable(new Error('timeout exceeded when trying to connect'))).toBe(true);
  });

  it('looks through TypeORM’s QueryFailedError to the driver’s error', () => {
    const wrapped = new QueryFailedError(
      'SELECT 1',
      [],
      pgError('57P03', 'the database system is starting up'),
    );
    expect(isPostgresUnavailable(wrapped)).toBe(true);
  });

  it('is false for a refused row, a bug, or something that is not an error', () => {
    expect(isPostgresUnavailable(new QueryFailedError('INSERT', [], pgError('23505')))).toBe(false);
    expect(isPostgresUnavailable(pgError('22P02'))).toBe(false);
    expect(isPostgresUnavailable(new TypeError('undefined is not a function'))).toBe(false);
    expect(isPostgresUnavailable('08006')).toBe(false);
  });
});
