import { classifyResponse } from './probe-classification';
import { parseUpstreamError } from './upstream-error';

const openAi = (code: string | null, type = 'invalid_request_error') =>
  parseUpstreamError(JSON.stringify({ error: { message: 'm', type, param: null, code } }));

describe('classifyResponse', () => {
  it('2xx is healthy', () => {
    expect(classifyResponse(200, null)).toBe('healthy');
    expect(classifyResponse(204, null)).toBe('healthy');
  });

  it('401, 402 and 403 mean the key is invalid', () => {
    expect(classifyResponse(401, openAi('invalid_api_key'))).toBe('invalid');
    expect(classifyResponse(402, parseUpstreamError('{"error":{"message":"Insufficient Balance"}}'))).toBe(
      'invalid',
    );
    expect(classifyResponse(403, null)).toBe('invalid');
  });

  it('429 is rate_limited, except OpenAI insufficient_quota which no wait will fix', () => {
    expect(classifyResponse(429, openAi('rate_limit_exceeded', 'requests'))).toBe('rate_limited');
    expect(classifyResponse(429, null)).toBe('rate_limited');
    expect(classifyResponse(429, openAi('insufficient_quota', 'insufficient_quota'))).toBe('invalid');
  });

  it('Gemini: a bad key is a 400 whose reason says API_KEY_INVALID', () => {
    const body = JSON.stringify({
      error: {
        code: 400,
        message: 'API key not valid. Please pass a valid API key.',
        status: 'INVALID_ARGUMENT',
        details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID' }],
      },
    });
    expect(classifyResponse(400, parseUpstreamError(body))).toBe('invalid');
    const quota = JSON.stringify([{ error: { code: 429, message: 'quota', status: 'RESOURCE_EXHAUSTED' } }]);
    expect(classifyResponse(429, parseUpstreamError(quota))).toBe('rate_limited');
  });

  it('Anthropic: authentication_error is invalid, rate_limit_error is rate_limited, overloaded is an error', () => {
    const anthropic = (type: string) =>
      parseUpstreamError(JSON.stringify({ type: 'error', error: { type, message: 'x' } }));
    expect(classifyResponse(401, anthropic('authentication_error'))).toBe('invalid');
    expect(classifyResponse(429, anthropic('rate_limit_error'))).toBe('rate_limited');
    expect(classifyResponse(529, anthropic('overloaded_error'))).toBe('error');
  });

  it('other statuses are errors, whatever digits the message contains', () => {
    expect(classifyResponse(404, openAi('model_not_found'))).toBe('error');
    expect(classifyResponse(400, parseUpstreamError('{"error":{"message":"status 401 429 upstream"}}'))).toBe(
      'error',
    );
    expect(classifyResponse(500, parseUpstreamError('Internal error 401'))).toBe('error');
    expect(classifyResponse(503, null)).toBe('error');
  });
});

describe('parseUpstreamError', () => {
  it('reads the three dialects and plain text', () => {
    expect(openAi('invalid_api_key')).toMatchObject({ message: 'm', code: 'invalid_api_key' });
    expect(
      parseUpstreamError('{"type":"error","error":{"type":"authentication_error","message":"bad key"}}'),
    ).toMatchObject({ message: 'bad key', code: 'authentication_error' });
    expect(
      parseUpstreamError('{"error":{"code":400,"message":"x","status":"INVALID_ARGUMENT"}}'),
    ).toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    expect(parseUpstreamError('<html>Bad Gateway</html>')).toMatchObject({
      message: '<html>Bad Gateway</html>',
    });
    expect(parseUpstreamError('')).toMatchObject({ message: null });
  });
});
