import { classifyUpstreamError, limitsWholeKey } from './classify-upstream-error';

const now = Date.parse('2026-01-01T00:00:00Z');
const kindOf = (status: number, body: unknown = '', headers: Record<string, string> = {}) =>
  classifyUpstreamError(
    { status, headers, body: typeof body === 'string' ? body : JSON.stringify(body) },
    now,
  ).kind;
const openAi = (code: string | null, type = 'invalid_request_error') => ({
  error: { message: 'm', type, param: null, code },
});
const anthropic = (type: string) => ({ type: 'error', error: { type, message: 'x' } });
const googleBadKey = {
  error: {
    code: 400,
    message: 'API key not valid. Please pass a valid API key.',
    status: 'INVALID_ARGUMENT',
    details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID' }],
  },
};

describe('classifyUpstreamError', () => {
  it('401 and 403 are a bad key, whatever the body says', () => {
    expect(kindOf(401, openAi('invalid_api_key'))).toBe('bad_key');
    expect(kindOf(403)).toBe('bad_key');
    expect(kindOf(401, '<html>Unauthorized</html>')).toBe('bad_key');
  });

  it("OpenAI's 429 'Request too large' is the request's size, not a busy key", () => {
    const tooLarge = {
      error: {
        message:
          'Request too large for gpt-4o in organization org-abc on tokens per min (TPM): Limit 30000, Requested 36575.',
        type: 'tokens',
        param: null,
        code: 'rate_limit_exceeded',
      },
    };
    expect(kindOf(429, tooLarge)).toBe('client_error');
    expect(kindOf(429, openAi('rate_limit_exceeded', 'tokens'))).toBe('rate_limited');
  });

  it("OpenAI's 403 model_not_found (a project without access to the model) refuses the model, not the key", () => {
    expect(kindOf(403, openAi('model_not_found'))).toBe('model_refused');
    expect(kindOf(404, openAi('model_not_found'))).toBe('client_error');
    expect(kindOf(403, openAi('unsupported_country_region_territory'))).toBe('bad_key');
  });

  it('a bad-key code or Google reason is a bad key even on a 400', () => {
    expect(kindOf(400, openAi('invalid_api_key'))).toBe('bad_key');
    expect(kindOf(400, googleBadKey)).toBe('bad_key');
    expect(kindOf(400, [googleBadKey])).toBe('bad_key');
    expect(kindOf(401, anthropic('authentication_error'))).toBe('bad_key');
    expect(kindOf(403, anthropic('permission_error'))).toBe('bad_key');
  });

  it("402 and OpenAI's insufficient_quota are out of credit, even on a 429: not a rate limit", () => {
    expect(kindOf(402, '{"error":{"message":"Insufficient Balance"}}')).toBe('out_of_credit');
    expect(kindOf(429, openAi('insufficient_quota', 'insufficient_quota'))).toBe('out_of_credit');
    expect(kindOf(429, openAi(null, 'insufficient_quota'))).toBe('out_of_credit');
    expect(kindOf(400, anthropic('billing_error'))).toBe('out_of_credit');
  });

  it('429 otherwise is a rate limit, with the wait the upstream asked for', () => {
    expect(kindOf(429, openAi('rate_limit_exceeded', 'requests'))).toBe('rate_limited');
    expect(kindOf(429)).toBe('rate_limited');
    expect(kindOf(429, anthropic('rate_limit_error'))).toBe('rate_limited');
    expect(kindOf(429, [{ error: { code: 429, message: 'quota', status: 'RESOURCE_EXHAUSTED' } }])).toBe(
      'rate_limited',
    );
    const verdict = classifyUpstreamError({ status: 429, headers: { 'retry-after': '20' }, body: '' }, now);
    expect(verdict).toMatchObject({ kind: 'rate_limited', retryAfterMs: 20_000 });
    expect(classifyUpstreamError({ status: 429, headers: {}, body: '' }, now).retryAfterMs).toBeNull();
  });

  it('408 and 5xx are transient', () => {
    for (const status of [408, 500, 502, 503, 504, 529]) expect(kindOf(status)).toBe('retry');
    expect(kindOf(529, anthropic('overloaded_error'))).toBe('retry');
  });

  it("other 4xx are the request's fault, whatever digits the message contains", () => {
    expect(kindOf(400, openAi(null))).toBe('client_error');
    expect(kindOf(404, openAi('model_not_found'))).toBe('client_error');
    expect(kindOf(413)).toBe('client_error');
    expect(kindOf(422, '{"detail":"bad"}')).toBe('client_error');
    expect(kindOf(400, '{"error":{"message":"status 401 429 upstream"}}')).toBe('client_error');
    expect(kindOf(500, 'Internal error 401')).toBe('retry');
  });

  it('hands back what the upstream said, parsed but not masked (callers mask)', () => {
    const verdict = classifyUpstreamError({
      status: 401,
      headers: {},
      body: JSON.stringify({
        error: { message: 'Incorrect API key provided: sk-abcdefghijklmnop1234', code: 'invalid_api_key' },
      }),
    });
    expect(verdict.error).toMatchObject({
      code: 'invalid_api_key',
      message: expect.stringContaining('sk-abcdefghijklmnop1234'),
    });
  });
});

describe('limitsWholeKey', () => {
  const error = (message: string | null, code: string | null = null) =>
    ({ message, code, type: null, param: null, reasons: [] }) as Parameters<typeof limitsWholeKey>[0];

  it('reads OpenRouter’s per-account caps on free models as the whole key being limited', () => {
    expect(limitsWholeKey(error('Rate limit exceeded: free-models-per-day. Add 10 credits'))).toBe(true);
    expect(limitsWholeKey(error('Rate limit exceeded: free-models-per-min.'))).toBe(true);
  });

  it('reads any other rate limit as the model’s on this key', () => {
    expect(limitsWholeKey(error('Rate limit reached for requests', 'rate_limit_exceeded'))).toBe(false);
    expect(limitsWholeKey(error(null))).toBe(false);
  });

  it('is set on a 429 verdict only', () => {
    const body = JSON.stringify({ error: { message: 'Rate limit exceeded: free-models-per-day' } });
    expect(classifyUpstreamError({ status: 429, headers: {}, body }).wholeKey).toBe(true);
    expect(classifyUpstreamError({ status: 500, headers: {}, body }).wholeKey).toBe(false);
  });
});
