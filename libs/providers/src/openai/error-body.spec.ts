import { openAiErrorBody, openAiErrorType } from './error-body';

describe('openAiErrorType', () => {
  it.each([
    [400, 'invalid_request_error'],
    [401, 'authentication_error'],
    // OpenAI sends type insufficient_quota when credit runs out; the gateway answers that with 402.
    [402, 'insufficient_quota'],
    [403, 'permission_error'],
    // OpenAI's own 404 (model_not_found, unknown URL) is an invalid_request_error.
    [404, 'invalid_request_error'],
    [409, 'invalid_request_error'],
    [413, 'invalid_request_error'],
    [429, 'rate_limit_error'],
    [499, 'invalid_request_error'],
    [500, 'server_error'],
    [502, 'server_error'],
    [504, 'server_error'],
  ])('%i → %s', (status, type) => {
    expect(openAiErrorType(status)).toBe(type);
  });
});

describe('openAiErrorBody', () => {
  it('derives the type from the status and sends param null when there is none', () => {
    expect(openAiErrorBody({ status: 402, code: 'insufficient_quota', message: 'no credit' })).toEqual({
      error: { message: 'no credit', type: 'insufficient_quota', code: 'insufficient_quota', param: null },
    });
  });

  it('keeps an upstream’s own type and the offending param', () => {
    expect(
      openAiErrorBody({
        status: 422,
        code: 'context_length_exceeded',
        message: 'too long',
        param: 'messages',
        type: 'invalid_request_error',
      }),
    ).toEqual({
      error: {
        message: 'too long',
        type: 'invalid_request_error',
        code: 'context_length_exceeded',
        param: 'messages',
      },
    });
    expect(openAiErrorBody({ status: 404, code: 'x', message: 'y', type: null }).error.type).toBe(
      'invalid_request_error',
    );
  });
});
