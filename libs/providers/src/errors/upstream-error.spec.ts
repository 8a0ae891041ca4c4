import { parseUpstreamError } from './upstream-error';

describe('parseUpstreamError', () => {
  it("reads OpenAI's error object", () => {
    const body = JSON.stringify({
      error: {
        message: 'max_tokens is too large',
        type: 'invalid_request_error',
        param: 'max_tokens',
        code: null,
      },
    });
    expect(parseUpstreamError(body)).toEqual({
      message: 'max_tokens is too large',
      code: null,
      type: 'invalid_request_error',
      param: 'max_tokens',
      reasons: [],
    });
  });

  it("reads Anthropic's error, its type standing for the code", () => {
    expect(
      parseUpstreamError('{"type":"error","error":{"type":"authentication_error","message":"bad key"}}'),
    ).toMatchObject({ message: 'bad key', code: 'authentication_error' });
  });

  it("reads Google's error: the status as the code, the details' reasons, inside an array or not", () => {
    const error = {
      code: 400,
      message: 'API key not valid. Please pass a valid API key.',
      status: 'INVALID_ARGUMENT',
      details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID' }],
    };
    const expected = {
      message: 'API key not valid. Please pass a valid API key.',
      code: 'INVALID_ARGUMENT',
      reasons: ['API_KEY_INVALID'],
    };
    expect(parseUpstreamError(JSON.stringify({ error }))).toMatchObject(expected);
    expect(parseUpstreamError(JSON.stringify([{ error }]))).toMatchObject(expected);
  });

  it('reads a numeric code when nothing better names the error', () => {
    expect(parseUpstreamError('{"error":{"code":503,"message":"busy"}}')).toMatchObject({
      message: 'busy',
      code: '503',
    });
  });

  it('reads a bare {message, code} and an error that is only a string', () => {
    expect(parseUpstreamError('{"message":"no such model","code":"model_not_found"}')).toMatchObject({
      message: 'no such model',
      code: 'model_not_found',
    });
    expect(parseUpstreamError('{"error":"upstream overloaded"}')).toMatchObject({
      message: 'upstream overloaded',
      code: null,
    });
  });

  it('copes with bodies that are not objects, or empty', () => {
    expect(parseUpstreamError('<html>Bad Gateway</html>')).toMatchObject({
      message: '<html>Bad Gateway</html>',
    });
    expect(parseUpstreamError('"overloaded"')).toMatchObject({ message: 'overloaded' });
    expect(parseUpstreamError('null')).toMatchObject({ message: null });
    expect(parseUpstreamError('')).toMatchObject({ message: null, code: null, reasons: [] });
  });
});
