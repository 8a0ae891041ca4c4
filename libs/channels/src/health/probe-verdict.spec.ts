import { judgeChannel, judgeProbe } from './probe-verdict';

describe('judgeProbe', () => {
  it('counts invalid and error towards the threshold, then disables an enabled key', () => {
    let state = { status: 'enabled' as const, consecutiveFailures: 0 };
    const first = judgeProbe(state, 'invalid', 3, 'HTTP 401');
    expect(first).toEqual({ consecutiveFailures: 1, status: 'enabled', transition: null });
    state = { ...state, consecutiveFailures: 2 };
    const third = judgeProbe(state, 'error', 3, 'HTTP 500: boom');
    expect(third).toEqual({
      consecutiveFailures: 3,
      status: 'auto_disabled',
      disabledReason: '3 probes in a row failed; last: error (HTTP 500: boom)',
      transition: 'auto_disabled',
    });
  });

  it('a threshold of 1 disables on the first failure', () => {
    expect(judgeProbe({ status: 'enabled', consecutiveFailures: 0 }, 'invalid', 1, 'x').transition).toBe(
      'auto_disabled',
    );
  });

  it('a success resets the streak and re-enables only what the probe disabled', () => {
    expect(judgeProbe({ status: 'enabled', consecutiveFailures: 2 }, 'healthy', 3, 'ok')).toEqual({
      consecutiveFailures: 0,
      status: 'enabled',
      transition: null,
    });
    expect(judgeProbe({ status: 'auto_disabled', consecutiveFailures: 5 }, 'healthy', 3, 'ok')).toEqual({
      consecutiveFailures: 0,
      status: 'enabled',
      disabledReason: null,
      transition: 're_enabled',
    });
    expect(judgeProbe({ status: 'disabled', consecutiveFailures: 5 }, 'healthy', 3, 'ok')).toEqual({
      consecutiveFailures: 0,
      status: 'disabled',
      transition: null,
    });
  });

  it('never disables what an admin disabled, nor touches an already auto-disabled key', () => {
    expect(judgeProbe({ status: 'disabled', consecutiveFailures: 9 }, 'invalid', 3, 'x')).toMatchObject({
      status: 'disabled',
      transition: null,
    });
    expect(judgeProbe({ status: 'auto_disabled', consecutiveFailures: 9 }, 'error', 3, 'x')).toEqual({
      consecutiveFailures: 10,
      status: 'auto_disabled',
      transition: null,
    });
  });

  it('rate_limited neither counts nor resets the streak', () => {
    expect(judgeProbe({ status: 'enabled', consecutiveFailures: 2 }, 'rate_limited', 3, 'x')).toEqual({
      consecutiveFailures: 2,
      status: 'enabled',
      transition: null,
    });
  });
});

describe('judgeChannel', () => {
  it('auto-disables an enabled channel once no key is enabled and the probe disabled one', () => {
    expect(judgeChannel('enabled', ['auto_disabled', 'auto_disabled'])).toEqual({
      status: 'auto_disabled',
      disabledReason: 'every key of the channel was disabled by its probes',
    });
    expect(judgeChannel('enabled', ['auto_disabled', 'disabled'])).toMatchObject({ status: 'auto_disabled' });
    expect(judgeChannel('enabled', ['auto_disabled', 'enabled'])).toBeNull();
    expect(judgeChannel('enabled', ['disabled'])).toBeNull();
  });

  it('re-enables only a channel the probes disabled, when a key is back', () => {
    expect(judgeChannel('auto_disabled', ['enabled', 'auto_disabled'])).toEqual({
      status: 'enabled',
      disabledReason: null,
    });
    expect(judgeChannel('auto_disabled', ['auto_disabled'])).toBeNull();
    expect(judgeChannel('disabled', ['enabled'])).toBeNull();
  });
});
