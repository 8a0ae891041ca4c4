import { ConfigError } from './app-config';
import { startupFailureLine, UnreachableError } from './startup-error';

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
});
