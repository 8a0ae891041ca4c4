import { ConfigError } from './app-config';
import { listenFailure, startupFailureLine, UnreachableError } from './startup-error';

describe('startupFailureLine', () => {
  it('prints configuration mistakes as their one line', () => {
    expect(startupFailureLine('api', new ConfigError('PORT', 'must be a port number'))).toBe(
      'invalid configuration: PORT must be a port number',
    );
  });

  it('prints an unreachable service as one line naming the process', () => {
    expect(
      startupFailureLine('worker', new UnreachableError('cannot reach Redis at REDIS_URL: refused')),
    ).toBe('worker: cannot reach Redis at REDIS_URL: refused');
  });

  it('keeps the stack of a real bug', () => {
    const line = startupFailureLine('api', new TypeError('boom'));
    expect(line).toMatch(/^api failed to start: TypeError: boom\n\s+at /);
  });

  it.each([
    ['EADDRINUSE', 'PORT is in use by another process'],
    ['EACCES', 'PORT is not permitted to this user'],
    ['EADDRNOTAVAIL', 'HOST is not an address of this machine'],
    ['ENOTFOUND', 'HOST does not resolve'],
  ])('prints a failed listen (%s) as one line naming the variable', (code, reason) => {
    const error = Object.assign(new Error(`listen ${code}`), { code });
    const line = startupFailureLine('api', listenFailure(error, '127.0.0.1', 3000));
    expect(line.startsWith(`api: cannot listen on 127.0.0.1:3000: ${reason}`)).toBe(true);
    expect(line.split('\n')).toHaveLength(1);
  });

  it('keeps the stack of a listen failure that is no operator mistake', () => {
    const error = Object.assign(new Error('odd'), { code: 'EINVAL' });
    expect(listenFailure(error, '127.0.0.1', 3000)).toBe(error);
  });
});
