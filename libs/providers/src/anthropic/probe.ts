// The cheapest authenticated Anthropic call: listing one model costs no tokens and still checks
// the key (and the anthropic-version header).
import type { UpstreamTarget } from '../canonical/canonical-model';
import { anthropicHeaders, anthropicUrl } from './request';

export interface AnthropicProbeCall {
  method: 'GET';
  url: string;
  headers: Record<string, string>;
}

export function buildAnthropicProbe(
  target: Pick<UpstreamTarget, 'baseUrl' | 'apiKey' | 'settings'>,
): AnthropicProbeCall {
  return {
    method: 'GET',
    url: `${anthropicUrl(target.baseUrl, '/models')}?limit=1`,
    headers: { ...anthropicHeaders(target), accept: 'application/json' },
  };
}
