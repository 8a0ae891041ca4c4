import { DEFAULT_PORT, parseCliOptions } from './cli-options';

describe('parseCliOptions', () => {
  it('defaults to 127.0.0.1:4010', () => {
    expect(parseCliOptions([], {})).toEqual({ port: DEFAULT_PORT, host: '127.0.0.1' });
    expect(DEFAULT_PORT).toBe(4010);
  });

  it('reads the environment, with --port winning', () => {
    const env = { MOCK_UPSTREAM_PORT: '5000', MOCK_UPSTREAM_HOST: '0.0.0.0' };
    expect(parseCliOptions([], env)).toEqual({ port: 5000, host: '0.0.0.0' });
    expect(parseCliOptions(['--port', '6000'], env)).toEqual({ port: 6000, host: '0.0.0.0' });
    expect(parseCliOptions(['--port=0'], env).port).toBe(0);
  });

  it('rejects bad ports and unknown arguments', () => {
    expect(() => parseCliOptions(['--port', 'abc'], {})).toThrow('invalid port "abc"');
    expect(() => parseCliOptions(['--port', '70000'], {})).toThrow('invalid port');
    expect(() => parseCliOptions(['--port'], {})).toThrow('--port needs a value');
    expect(() => parseCliOptions(['--verbose'], {})).toThrow('unknown argument --verbose');
    expect(() => parseCliOptions([], { MOCK_UPSTREAM_PORT: '-1' })).toThrow('invalid port');
  });
});
