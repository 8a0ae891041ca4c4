import { maskSecret, maskSecrets } from './mask-secrets';

const AZURE_KEY = '0123456789abcdef0123456789abcdef';

describe('maskSecrets', () => {
  it.each([
    [
      'an OpenAI key',
      'Incorrect API key provided: sk-proj-abcdefghijklmnop1234.',
      'Incorrect API key provided: sk-…1234.',
    ],
    ['a legacy OpenAI key', 'bad sk-abcdefghijklmnopqrstuvwxyz12', 'bad sk-…yz12'],
    ['an Anthropic key', 'invalid x-api-key sk-ant-api03-abcdefghijklmnopWXYZ', 'invalid x-api-key sk-…WXYZ'],
    ['a Google key', 'API key not valid: AIzaSyA1234567890abcdefghijklmnop', 'API key not valid: AIza…mnop'],
    ['a Groq key', 'bad gsk_abcdefghijklmnop1234', 'bad gsk_…1234'],
    ['an xAI key', 'bad xai-abcdefghijklmnop1234', 'bad xai-…1234'],
    ['a key after a dash', 'key-sk-abcdefghijklmnop1234', 'key-sk-…1234'],
    ['a bearer token', 'Authorization: Bearer abcdefghijklmnop9876', 'Authorization: Bearer …9876'],
    ['basic credentials', 'Authorization: Basic dXNlcjpwYXNzd29yZA==', 'Authorization: Basic …ZA=='],
    [
      'a key in a query string',
      'GET https://generativelanguage.googleapis.com/v1beta/models?key=AIzaSyA1234567890abcdefghijk&alt=sse',
      'GET https://generativelanguage.googleapis.com/v1beta/models?key=AIza…hijk&alt=sse',
    ],
    ['a custom key in a query string', 'url /v1/x?api_key=local-secret-value-42', 'url /v1/x?api_key=…e-42'],
    [
      'an access token in a query string',
      'GET /x?a=1&access_token=abcdefghijklmn',
      'GET /x?a=1&access_token=…klmn',
    ],
    ['a header echo', 'headers: x-api-key: abcdefghijklmnopqr', 'headers: x-api-key: …opqr'],
    ['a Google header echo', 'x-goog-api-key: abcdefghijklmnopqr', 'x-goog-api-key: …opqr'],
    ['a JSON field', '{"api_key":"abcdefghijklmnopqr"}', '{"api_key":"…opqr"}'],
    ['a JSON authorization field', '{"authorization":"abcdefghijklmnopqr"}', '{"authorization":"…opqr"}'],
    [
      'a JSON authorization header with its scheme',
      '{"authorization": "Bearer abcdefghijklmnopqr"}',
      '{"authorization": "Bearer …opqr"}',
    ],
    ['an Azure key as a header echo', `api-key: ${AZURE_KEY}`, 'api-key: …cdef'],
    ['an Azure key in a query string', `/openai?api-key=${AZURE_KEY}`, '/openai?api-key=…cdef'],
    ['an Azure key in a JSON field', `{"api-key": "${AZURE_KEY}"}`, '{"api-key": "…cdef"}'],
  ])('masks %s to the sk-…abcd form', (_what, text, masked) => {
    expect(maskSecrets(text)).toBe(masked);
  });

  it('masks a bearer OpenAI key once, not twice', () => {
    expect(maskSecrets('Bearer sk-proj-abcdefghijklmnop1234')).toBe('Bearer sk-…1234');
    expect(maskSecrets('?key=sk-abcdefghijklmnop1234')).toBe('?key=sk-…1234');
  });

  it('masks several keys in one text', () => {
    const text =
      'keys sk-proj-ABCDEFGH12345678 and sk-ant-api03-zzzzzzzzzz and AIzaSyA1234567890abcdefghijkl and gsk_abcdefghijklmnop1234';
    expect(maskSecrets(text)).toBe('keys sk-…5678 and sk-…zzzz and AIza…ijkl and gsk_…1234');
  });

  it('masks known secrets without a vendor shape, longest first', () => {
    const key = 'vllm-local-key-0001';
    expect(maskSecrets(`rejected ${key} and ${key}x`, [key, `${key}x`])).toBe('rejected …0001 and …001x');
    expect(maskSecrets('bad key my-own-custom-secret-value!', ['my-own-custom-secret-value'])).toBe(
      'bad key …alue!',
    );
  });

  it('masks a known Azure key wherever it appears, but leaves a bare 32-hex request id alone', () => {
    expect(maskSecrets(`Access denied for ${AZURE_KEY}.`, [AZURE_KEY])).toBe('Access denied for …cdef.');
    const requestId = 'Please include the request ID 2d2b6e1c1a7c5f4b8f0c6a9e1d3b2c4a in your message.';
    expect(maskSecrets(requestId, [AZURE_KEY])).toBe(requestId);
  });

  it('shows no tail of a short secret, and ignores known secrets too short to be one', () => {
    expect(maskSecret('sk-abcdefgh')).toBe('sk-…');
    expect(maskSecrets('?token=abc')).toBe('?token=…');
    expect(maskSecrets('GET /v1/models?key=abcdef123&x=1')).toBe('GET /v1/models?key=…&x=1');
    expect(maskSecrets('the key is short', ['key'])).toBe('the key is short');
  });

  it('leaves ordinary error text alone', () => {
    for (const text of [
      'Rate limit reached for requests (429). Please try again in 20s.',
      'the task-management-system is down',
      "Invalid value for 'max_tokens=5': key: must be positive",
      "This model's maximum context length is 128000 tokens.",
      'sk- is a prefix; so is sk-short',
      'trace 4bf92f35-77b3-4da6-a3ce-929d0e0e4736, sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
    ]) {
      expect(maskSecrets(text)).toBe(text);
    }
  });
});
