import { isRedisUnavailable } from './redis-unavailable';

/** An error as ioredis raises it: a message, and a name or a socket code. */
function ioredisError(message: string, extra: { name?: string; code?: string } = {}): Error {
  const error = new Error(message);
  if (extra.name) error.name = extra.name;
  return Object.assign(error, extra.code ? { code: extra.code } : {});
}

describe('isRedisUnavailable', () => {
  it.each([
    ['a command past commandTimeout', ioredisError('Command timed out')],
    ['a closed connection', ioredisError('Connection is closed.')],
    [
      'retries used up while Redis was away',
      ioredisError('Reached the max retries per request limit (which is 2).', {
        name: 'MaxRetriesPerRequestError',
      }),
    ],
    ['a refused connection', ioredisError('connect ECONNREFUSED 127.0.0.1:6379', { code: 'ECONNREFUSED' })],
  ])('knows %s for an outage', (_name, error) => {
    expect(isRedisUnavailable(error)).toBe(true);
  });

  it('does not take a script error or a bug for an outage', () => {
    expect(isRedisUnavailable(ioredisError('ERR Error running script', { name: 'ReplyError' }))).toBe(false);
    expect(isRedisUnavailable(new TypeError('x is undefined'))).toBe(false);
    expect(isRedisUnavailable('Command timed out')).toBe(false);
  });
});
