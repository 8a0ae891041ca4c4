import { classifyAnthropicError } from '../anthropic/error';
import { classifyGeminiError } from '../gemini/error';
import { classifyInOpenAiTerms } from './upstream-error-terms';

const answer = (status: number, body: object) => ({ status, headers: {}, body: JSON.stringify(body) });
const anthropic = classifyInOpenAiTerms(classifyAnthropicError);
const gemini = classifyInOpenAiTerms(classifyGeminiError);
const anthropicError = (type: string, message: string) => ({ type: 'error', error: { type, message } });
const googleError = (code: number, status: string, message: string) => ({ error: { code, status, message } });

describe("another format's refusal in OpenAI's terms", () => {
  it.each([
    [
      'Anthropic',
      anthropic,
      anthropicError('invalid_request_error', 'prompt is too long: 215000 tokens > 200000 maximum'),
    ],
    [
      'Anthropic (with max_tokens)',
      anthropic,
      anthropicError(
        'invalid_request_error',
        'input length and `max_tokens` exceed context limit: 188240 + 21333 > 200000, decrease input length or `max_tokens` and try again',
      ),
    ],
    [
      'Gemini',
      gemini,
      googleError(
        400,
        'INVALID_ARGUMENT',
        'The input token count (1048577) exceeds the maximum number of tokens allowed (1048576).',
      ),
    ],
  ])('a prompt past the context (%s) is context_length_exceeded on messages', (_name, classify, body) => {
    const verdict = classify(answer(400, body));
    expect(verdict.kind).toBe('client_error');
    expect(verdict.error).toMatchObject({
      code: 'context_length_exceeded',
      type: 'invalid_request_error',
      param: 'messages',
    });
    expect(verdict.error.message).toBe(
      'error' in body && typeof body.error === 'object' ? (body.error as { message: string }).message : null,
    );
  });

  it("a 404 is model_not_found on model; other refusals carry the status's type and no foreign code", () => {
    expect(anthropic(answer(404, anthropicError('not_found_error', 'model: claude-x'))).error).toMatchObject({
      code: 'model_not_found',
      type: 'invalid_request_error',
      param: 'model',
    });
    expect(
      gemini(answer(400, googleError(400, 'INVALID_ARGUMENT', 'Request contains an invalid argument.')))
        .error,
    ).toMatchObject({ code: null, type: 'invalid_request_error', param: null });
    expect(
      anthropic(answer(413, anthropicError('request_too_large', 'Request exceeds the maximum size'))).error,
    ).toMatchObject({
      code: null,
      type: 'invalid_request_error',
    });
  });

  it("keeps the provider's meaning: a bad Gemini key is still a bad key, an overload still a retry", () => {
    const badKey = gemini(
      answer(400, {
        error: {
          code: 400,
          status: 'INVALID_ARGUMENT',
          message: 'API key not valid.',
          details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID' }],
        },
      }),
    );
    expect(badKey.kind).toBe('bad_key');
    expect(badKey.error.reasons).toEqual(['API_KEY_INVALID']);
    expect(anthropic(answer(529, anthropicError('overloaded_error', 'Overloaded'))).kind).toBe('retry');
    expect(anthropic(answer(529, anthropicError('overloaded_error', 'Overloaded'))).error.type).toBe(
      'server_error',
    );
  });
});
