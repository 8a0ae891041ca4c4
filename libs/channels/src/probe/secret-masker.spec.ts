import { maskSecrets } from './secret-masker';

describe('maskSecrets', () => {
  it('masks the known key wherever it appears, even when it looks like nothing special', () => {
    const key = 'my-own-custom-secret-value';
    expect(maskSecrets(`bad key ${key}!`, [key])).toBe('bad key …alue!');
  });

  it('masks credential-shaped strings it was not told about', () => {
    const text =
      'keys sk-proj-ABCDEFGH12345678 and sk-ant-api03-zzzzzzzzzz and AIzaSyA1234567890abcdefghijkl and gsk_abcdefghijklmnop1234';
    const out = maskSecrets(text);
    expect(out).toBe('keys sk-…5678 and sk-…zzzz and …ijkl and gsk…1234');
  });

  it('masks bearer tokens, key query parameters and key-named JSON fields', () => {
    expect(maskSecrets('Authorization: Bearer abcdefghijklmnop')).toBe('Authorization: Bearer ***');
    expect(maskSecrets('GET /v1/models?key=abcdef123&x=1')).toBe('GET /v1/models?key=***&x=1');
    expect(maskSecrets('{"api_key":"whatever-it-is"}')).toBe('{"api_key":"***"}');
  });

  it('leaves ordinary text alone', () => {
    expect(maskSecrets('Rate limit reached for requests (429).')).toBe(
      'Rate limit reached for requests (429).',
    );
    expect(maskSecrets('the task-management-system is down')).toBe('the task-management-system is down');
  });
});
