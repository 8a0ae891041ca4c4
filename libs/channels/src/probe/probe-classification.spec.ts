import { classifyProbeAnswer, probeHealthOf } from './probe-classification';

const answer = (status: number, body: unknown = '') => ({
  status,
  headers: {},
  body: typeof body === 'string' ? body : JSON.stringify(body),
});
const openAi = (code: string | null, type = 'invalid_request_error') => ({
  error: { message: 'm', type, param: null, code },
});
const resultOf = (status: number, body?: unknown, type = 'openai') =>
  classifyProbeAnswer(type, answer(status, body)).result;

describe('classifyProbeAnswer', () => {
  it('2xx is healthy', () => {
    expect(resultOf(200)).toBe('healthy');
    expect(resultOf(204)).toBe('healthy');
    expect(classifyProbeAnswer('openai', answer(200, '{"data":[]}')).said).toBeNull();
  });

  it('401, 402 and 403 mean the key is invalid', () => {
    expect(resultOf(401, openAi('invalid_api_key'))).toBe('invalid');
    expect(resultOf(402, '{"error":{"message":"Insufficient Balance"}}')).toBe('invalid');
    expect(resultOf(403)).toBe('invalid');
  });

  it('429 is rate_limited, except OpenAI insufficient_quota which no wait will fix', () => {
    expect(resultOf(429, openAi('rate_limit_exceeded', 'requests'))).toBe('rate_limited');
    expect(resultOf(429)).toBe('rate_limited');
    expect(resultOf(429, openAi('insufficient_quota', 'insufficient_quota'))).toBe('invalid');
  });

  it('Gemini: a bad key is a 400 whose reason says API_KEY_INVALID', () => {
    const body = {
      error: {
        code: 400,
        message: 'API key not valid. Please pass a valid API key.',
        status: 'INVALID_ARGUMENT',
        details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID' }],
      },
    };
    expect(resultOf(400, body, 'gemini')).toBe('invalid');
    expect(classifyProbeAnswer('gemini', answer(400, body)).said).toBe(
      'API key not valid. Please pass a valid API key.',
    );
    const quota = [{ error: { code: 429, message: 'quota', status: 'RESOURCE_EXHAUSTED' } }];
    expect(resultOf(429, quota, 'gemini')).toBe('rate_limited');
  });

  it('Anthropic: authentication_error is invalid, rate_limit_error is rate_limited, overloaded is an error', () => {
    const anthropic = (type: string) => ({ type: 'error', error: { type, message: 'x' } });
    expect(resultOf(401, anthropic('authentication_error'), 'anthropic')).toBe('invalid');
    expect(resultOf(429, anthropic('rate_limit_error'), 'anthropic')).toBe('rate_limited');
    expect(resultOf(529, anthropic('overloaded_error'), 'anthropic')).toBe('error');
  });

  it('other statuses are errors, whatever digits the message contains', () => {
    expect(resultOf(404, openAi('model_not_found'))).toBe('error');
    expect(resultOf(400, '{"error":{"message":"status 401 429 upstream"}}')).toBe('error');
    expect(resultOf(500, 'Internal error 401')).toBe('error');
    expect(resultOf(503)).toBe('error');
  });
});

describe('probeHealthOf', () => {
  it("names every verdict of the providers' classification in the probes' terms", () => {
    expect(probeHealthOf('bad_key')).toBe('invalid');
    expect(probeHealthOf('out_of_credit')).toBe('invalid');
    expect(probeHealthOf('rate_limited')).toBe('rate_limited');
    expect(probeHealthOf('retry')).toBe('error');
    expect(probeHealthOf('client_error')).toBe('error');
  });
});
