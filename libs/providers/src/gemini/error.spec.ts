import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { classifyGeminiError, geminiErrorBody } from './error';
import { buildGeminiProbeRequest } from './probe';

const body = (file: string) => readFileSync(join(__dirname, '__fixtures__', file), 'utf8');
const NOW = 1_700_000_000_000;

describe('classifyGeminiError', () => {
  it.each([
    ['error-api-key-invalid.json', 400, 'bad_key'],
    ['error-resource-exhausted.json', 429, 'rate_limited'],
    ['error-overloaded.json', 503, 'retry'],
    ['error-model-not-found.json', 404, 'client_error'],
    ['response-blocked-prompt.json', 400, 'client_error'],
    ['response-blocked-prompt.json', 500, 'client_error'],
  ])('%s with %i → %s', (file, status, kind) => {
    expect(classifyGeminiError({ status, headers: {}, body: body(file) }, NOW).kind).toBe(kind);
  });

  it('waits what RetryInfo says when no Retry-After came, and prefers the header when one did', () => {
    const exhausted = { status: 429, body: body('error-resource-exhausted.json') };
    expect(classifyGeminiError({ ...exhausted, headers: {} }, NOW).retryAfterMs).toBe(31_000);
    expect(classifyGeminiError({ ...exhausted, headers: { 'retry-after': '5' } }, NOW).retryAfterMs).toBe(
      5_000,
    );
    expect(classifyGeminiError({ ...exhausted, headers: {} }, NOW).error.code).toBe('RESOURCE_EXHAUSTED');
  });
});

describe('geminiErrorBody', () => {
  it("writes Google's shape, with the gateway's code as an ErrorInfo reason", () => {
    expect(geminiErrorBody({ status: 429, message: 'Slow down.', code: 'rate_limited' })).toEqual({
      error: {
        code: 429,
        message: 'Slow down.',
        status: 'RESOURCE_EXHAUSTED',
        details: [
          { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'rate_limited', domain: 'gateway' },
        ],
      },
    });
    expect(geminiErrorBody({ status: 401, message: 'No key.' }).error).toEqual({
      code: 401,
      message: 'No key.',
      status: 'UNAUTHENTICATED',
    });
  });

  it('is thrown by @google/genai as an ApiError with the status', async () => {
    const { ApiError, GoogleGenAI } = await import('@google/genai');
    const fetch = async () =>
      new Response(JSON.stringify(geminiErrorBody({ status: 400, message: 'Bad field.' })), {
        status: 400,
        headers: { 'content-type': 'application/json' },
      });
    const ai = new GoogleGenAI({ apiKey: 'k', httpOptions: { baseUrl: 'http://gateway.test', fetch } });
    const call = ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'Hi' });
    await expect(call).rejects.toBeInstanceOf(ApiError);
    await expect(call).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining('INVALID_ARGUMENT'),
    });
  });
});

describe('buildGeminiProbeRequest', () => {
  it('lists one model with the key in a header, whether or not the base URL has /v1beta', () => {
    for (const baseUrl of [
      'https://generativelanguage.googleapis.com',
      'https://generativelanguage.googleapis.com/v1beta/',
    ]) {
      expect(buildGeminiProbeRequest({ baseUrl, apiKey: 'AIza-k' })).toEqual({
        method: 'GET',
        url: 'https://generativelanguage.googleapis.com/v1beta/models?pageSize=1',
        headers: { accept: 'application/json', 'x-goog-api-key': 'AIza-k' },
      });
    }
  });
});
