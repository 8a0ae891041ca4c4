// A channel's base URL: where the provider's API lives, e.g. https://api.openai.com/v1.

export const BASE_URL_RULE =
  'must be an http(s) URL without credentials, query or fragment, at most 500 characters';

/** The URL without trailing slashes when it is acceptable; null otherwise. */
export function normalizeBaseUrl(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > 500 || /\s/.test(value)) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  // A key in the URL would be stored in clear and shown to every reader; keys go in channel keys.
  if (url.username || url.password || url.search || url.hash || value.includes('?') || value.includes('#')) {
    return null;
  }
  if (!url.hostname) return null;
  const normalized = `${url.protocol}//${url.host}${url.pathname}`.replace(/\/+$/, '');
  return normalized.length <= 500 ? normalized : null;
}
