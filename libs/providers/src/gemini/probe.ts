// The cheapest authenticated Gemini call: listing one model costs no tokens and fails on a bad key.
import type { UpstreamTarget } from '../canonical/canonical-model';

export interface GeminiProbeRequest {
  method: 'GET';
  url: string;
  headers: Record<string, string>;
}

export function buildGeminiProbeRequest(
  target: Pick<UpstreamTarget, 'baseUrl' | 'apiKey'>,
): GeminiProbeRequest {
  const base = target.baseUrl.replace(/\/+$/, '').replace(/\/v1beta$/, '');
  return {
    method: 'GET',
    url: `${base}/v1beta/models?pageSize=1`,
    // In a header rather than ?key=, so the key stays out of URLs, proxies' logs and error texts.
    headers: { accept: 'application/json', 'x-goog-api-key': target.apiKey },
  };
}
