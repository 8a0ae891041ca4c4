import { normalizeBaseUrl } from './base-url';

describe('normalizeBaseUrl', () => {
  it('accepts http(s) URLs and drops trailing slashes', () => {
    expect(normalizeBaseUrl('https://api.openai.com/v1/')).toBe('https://api.openai.com/v1');
    expect(normalizeBaseUrl('https://api.openai.com/v1')).toBe('https://api.openai.com/v1');
    expect(normalizeBaseUrl('http://127.0.0.1:11434/v1//')).toBe('http://127.0.0.1:11434/v1');
    expect(normalizeBaseUrl('https://api.anthropic.com/')).toBe('https://api.anthropic.com');
    expect(normalizeBaseUrl('https://API.Example.com')).toBe('https://api.example.com');
  });

  it.each([
    ['ftp://example.com', 'another protocol'],
    ['https://user:pass@example.com/v1', 'credentials'],
    ['https://example.com/v1?key=secret', 'a query'],
    ['https://example.com/v1?', 'an empty query'],
    ['https://example.com/v1#frag', 'a fragment'],
    ['not a url', 'no URL at all'],
    ['https://exa mple.com', 'whitespace'],
    [`https://example.com/${'a'.repeat(500)}`, 'more than 500 characters'],
  ])('refuses %s (%s)', (value) => {
    expect(normalizeBaseUrl(value)).toBeNull();
  });

  it('refuses non-strings', () => {
    expect(normalizeBaseUrl(42)).toBeNull();
    expect(normalizeBaseUrl(undefined)).toBeNull();
  });
});
