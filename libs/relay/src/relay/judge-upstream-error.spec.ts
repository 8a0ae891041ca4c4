import { classifyUpstreamError } from '@gateway/providers';
import { judgeUpstreamError, maskUpstreamError, unreadableStatus } from './judge-upstream-error';

const RETRY_STATUSES = new Set([408, 429, 500, 502, 503, 504]);
const SECRET = 'sk-live-abcdefghijklmnopqrstuvwxyz123456';

function judge(status: number, body: unknown, headers: Record<string, string> = {}) {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const verdict = classifyUpstreamError({ status, headers, body: raw });
  return judgeUpstreamError(status, verdict, RETRY_STATUSES, [SECRET]);
}

describe('judgeUpstreamError', () => {
  it('a 429 moves on and cools the model on the key for what Retry-After asked', () => {
    expect(
      judge(429, { error: { message: 'slow down', code: 'rate_limit_exceeded' } }, { 'retry-after': '30' }),
    ).toEqual({
      kind: 'retry',
      upstreamStatus: 429,
      reason: 'rate_limited',
      message: '429: slow down',
      retryAfterMs: 30_000,
      wholeKey: false,
    });
  });

  it('a 429 that limits the whole account says so, to cool every model of the key', () => {
    const result = judge(429, { error: { message: 'Rate limit exceeded: free-models-per-day' } });
    expect(result).toMatchObject({ kind: 'retry', reason: 'rate_limited', wholeKey: true });
  });

  it("OpenAI's insufficient_quota on a 429 moves on as out of credit, never as a rate limit", () => {
    const result = judge(
      429,
      {
        error: {
          message: 'You exceeded your current quota',
          type: 'insufficient_quota',
          code: 'insufficient_quota',
        },
      },
      { 'retry-after': '30' },
    );
    expect(result).toEqual({
      kind: 'retry',
      upstreamStatus: 429,
      reason: 'out_of_credit',
      message: '429: You exceeded your current quota',
    });
    expect(judge(402, { error: { message: 'Insufficient Balance' } })).toMatchObject({
      reason: 'out_of_credit',
    });
  });

  it("a refused key moves on, Google's API_KEY_INVALID on a 400 included", () => {
    expect(judge(401, { error: { message: 'bad key', code: 'invalid_api_key' } })).toMatchObject({
      kind: 'retry',
      reason: 'key_rejected',
    });
    expect(judge(403, '')).toMatchObject({ kind: 'retry', reason: 'key_rejected' });
    const google = [
      {
        error: {
          code: 400,
          message: 'API key not valid. Please pass a valid API key.',
          status: 'INVALID_ARGUMENT',
          details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID' }],
        },
      },
    ];
    expect(judge(400, google)).toMatchObject({ kind: 'retry', upstreamStatus: 400, reason: 'key_rejected' });
  });

  it('a status in the retry statuses moves on; one outside them goes to the client as it is', () => {
    expect(judge(503, 'busy')).toMatchObject({ kind: 'retry', reason: 'server_error', message: '503: busy' });
    expect(
      judge(529, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }),
    ).toMatchObject({
      kind: 'rejected',
      status: 529,
    });
    const withBadRequest = judgeUpstreamError(
      400,
      classifyUpstreamError({ status: 400, headers: {}, body: '' }),
      new Set([400]),
      [],
    );
    expect(withBadRequest).toMatchObject({ kind: 'retry', reason: 'server_error' });
  });

  it("a request the upstream judged wrong goes back to the client with the upstream's words", () => {
    const body = {
      error: {
        message: 'max_tokens is too large',
        type: 'invalid_request_error',
        param: 'max_tokens',
        code: null,
      },
    };
    expect(judge(400, body)).toEqual({
      kind: 'rejected',
      status: 400,
      code: 'invalid_request_error',
      message: 'max_tokens is too large',
      param: 'max_tokens',
      type: 'invalid_request_error',
    });
    expect(judge(404, { error: { message: 'no such model' } })).toMatchObject({ code: 'model_not_found' });
  });

  it('a prompt past the context said only in words (vLLM, DeepSeek) is context_length_exceeded on messages', () => {
    const body = {
      object: 'error',
      message: "This model's maximum context length is 4096 tokens. However, you requested 5000 tokens.",
      type: 'BadRequestError',
      param: null,
      code: 400,
    };
    expect(judge(400, body)).toMatchObject({
      kind: 'rejected',
      code: 'context_length_exceeded',
      param: 'messages',
      message: body.message,
    });
    // An upstream's own code is kept.
    expect(judge(400, { error: { message: body.message, code: 'too_long', param: 'prompt' } })).toMatchObject(
      { code: 'too_long', param: 'prompt' },
    );
  });

  it('masks the channel key wherever it appears', () => {
    const result = judge(401, {
      error: { message: `Incorrect API key provided: ${SECRET}`, code: 'invalid_api_key' },
    });
    expect(result.message).not.toContain(SECRET);
    expect(result.message).toContain('Incorrect API key provided: sk-…3456');
    expect(judge(400, `plain text with ${SECRET}`).message).not.toContain(SECRET);
  });
});

describe('maskUpstreamError', () => {
  it('says so when the upstream gave no reason, and cuts long texts', () => {
    const none = { message: null, code: null, type: null, param: null, reasons: [] };
    expect(maskUpstreamError(none, []).message).toBe('the upstream gave no reason');
    expect(maskUpstreamError({ ...none, message: 'x'.repeat(5000) }, []).message).toHaveLength(1000);
  });
});

describe('unreadableStatus', () => {
  it('lets the relay read successes and errors', () => {
    for (const status of [200, 201, 204, 299, 400, 404, 429, 500, 599])
      expect(unreadableStatus(status)).toBeNull();
  });

  it('judges a redirect or a status past 599 a broken answer, recording only HTTP statuses', () => {
    expect(unreadableStatus(302)).toEqual({
      kind: 'retry',
      upstreamStatus: 302,
      reason: 'bad_response',
      message: 'the upstream answered with status 302, neither an answer nor an error',
    });
    expect(unreadableStatus(799)).toMatchObject({
      kind: 'retry',
      upstreamStatus: null,
      reason: 'bad_response',
    });
    expect(unreadableStatus(100)).toMatchObject({ upstreamStatus: 100, reason: 'bad_response' });
  });
});
