import { maskSecret, maskSecrets } from './mask-secrets';

describe('maskSecrets', () => {
  it.each([
    [
      'an OpenAI key',
      'Incorrect API key provided: sk-proj-abcdefghijklmnop1234.',
      'Incorrect API key provided: sk-…1234.',
    ],
    ['an Anthropic key', 'invalid x-api-key sk-ant-api03-abcdefghijklmnopWXYZ', 'invalid x-api-key sk-…WXYZ'],
    ['a Google key', 'API key not valid: AIzaSyA1234567890abcdefghijklmnop', 'API key not valid: AIza…mnop'],
    ['a Groq key', 'bad gsk_abcdefghijklmnop1234', 'bad gsk_…1234'],
    ['a bearer token', 'Authorization: Bearer abcdefghijklmnop9876', 'Authorization: Bearer …9876'],
    [
      'a key in a query string',
      'GET https://generativelanguage.googleapis.com/v1beta/models?key=AIzaSyA1234567890abcdefghijk&alt=sse',
      'GET https://generativelanguage.googleapis.com/v1beta/models?key=AIza…hijk&alt=sse',
    ],
    ['a custom key in a query string', 'url /v1/x?api_key=local-secret-value-42', 'url /v1/x?api_key=…e-42'],
    ['a header echo', 'headers: x-api-key: abcdefghijklmnopqr', 'headers: x-api-key: …opqr'],
    ['a JSON field', '{"api_key":"abcdefghijklmnopqr"}', '{"api_key":"…opqr"}'],
  ])('masks %s to the sk-…abcd form', (_what, text, masked) => {
    expect(maskSecrets(text)).toBe(masked);
  });

  it('masks a bearer OpenAI key once, not twice', () => {
    expect(maskSecrets('Bearer sk-proj-abcdefghijklmnop1234')).toBe('Bearer sk-…1234');
    expect(maskSecrets('?key=sk-abcdefghijklmnop1234')).toBe('?key=sk-…1234');
  });

  it('masks known secrets without a vendor shape, longest first', () => {
    const key = 'vllm-local-key-0001';
    expect(maskSecrets(`rejected ${key} and ${key}x`, [key, `${key}x`])).toBe('rejected …0001 and …001x');
  });

  it('shows no tail of a short secret', () => {
    expect(maskSecret('sk-abcdefgh')).toBe('sk-…');
    expect(maskSecrets('?token=abc')).toBe('?token=…');
  });

  it('leaves ordinary error text alone', () => {
    for (const text of [
      'Rate limit reached for requests (429). Please try again in 20s.',
      'the task-management-system is down',
      "Invalid value for 'max_tokens=5': key: must be positive",
      "This model's maximum context length is 128000 tokens.",
      'sk- is a prefix; so is sk-short',
    ]) {
      expect(maskSecrets(text)).toBe(text);
    }
  });
});
