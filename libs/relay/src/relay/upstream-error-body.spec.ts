import { readUpstreamError } from './upstream-error-body';

describe('readUpstreamError', () => {
  const secret = 'sk-live-abcdefghijklmnopqrstuvwxyz123456';

  it("reads OpenAI's error object", () => {
    const raw = JSON.stringify({
      error: {
        message: 'max_tokens is too large',
        type: 'invalid_request_error',
        param: 'max_tokens',
        code: null,
      },
    });
    expect(readUpstreamError(raw, [])).toEqual({
      message: 'max_tokens is too large',
      code: null,
      param: 'max_tokens',
      type: 'invalid_request_error',
    });
  });

  it('masks the channel key wherever it appears', () => {
    const raw = JSON.stringify({
      error: { message: `Incorrect API key provided: ${secret}`, code: 'invalid_api_key' },
    });
    const info = readUpstreamError(raw, [secret]);
    expect(info.message).not.toContain(secret);
    expect(info.message).toContain('Incorrect API key provided');
    expect(readUpstreamError(`plain text with ${secret}`, [secret]).message).not.toContain(secret);
  });

  it('copes with bodies that are not objects, or empty', () => {
    expect(readUpstreamError('', []).message).toBe('the upstream gave no reason');
    expect(readUpstreamError('"overloaded"', []).message).toBe('overloaded');
    expect(readUpstreamError('null', []).message).toBe('the upstream gave no reason');
    expect(readUpstreamError('<html>Bad Gateway</html>', []).message).toBe('<html>Bad Gateway</html>');
  });
});
