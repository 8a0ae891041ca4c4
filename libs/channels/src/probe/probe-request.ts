// The smallest real request that proves a key works, in each provider's own wire format.
import {
  anthropicHeaders,
  anthropicUrl,
  AZURE_DEFAULT_API_VERSION,
  buildAnthropicProbe,
  buildAzureProbeRequest,
  buildGeminiProbeRequest,
  DEFAULT_ANTHROPIC_VERSION,
} from '@gateway/providers';
import type { ChannelType } from '../entities/channel.entity';

export interface ProbeTarget {
  type: ChannelType;
  /** Normalized: no trailing slash. */
  baseUrl: string;
  /** The model as the upstream names it (after modelMapping); for Azure, the deployment name. */
  upstreamModel: string;
  settings: Record<string, unknown>;
}

export interface UpstreamRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  /** Absent for a GET. */
  body?: string;
}

/** Azure's GA data-plane version; a channel can pick another with settings.apiVersion. */
export const DEFAULT_AZURE_API_VERSION = AZURE_DEFAULT_API_VERSION;
export const ANTHROPIC_VERSION = DEFAULT_ANTHROPIC_VERSION;

const PING = 'ping';
const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/json' };

/** `base + suffix`, without doubling a version segment the operator already put in the base URL. */
function join(baseUrl: string, versionSegment: string, rest: string): string {
  const base = baseUrl.endsWith(`/${versionSegment}`) ? baseUrl : `${baseUrl}/${versionSegment}`;
  return `${base}${rest}`;
}

export function buildProbeRequest(target: ProbeTarget, apiKey: string): UpstreamRequest {
  switch (target.type) {
    case 'openai':
      // An OpenAI-compatible base URL already ends with its version (…/v1, …/api/paas/v4).
      return {
        method: 'POST',
        url: `${target.baseUrl}/chat/completions`,
        headers: { ...JSON_HEADERS, authorization: `Bearer ${apiKey}` },
        body: JSON.stringify({
          model: target.upstreamModel,
          messages: [{ role: 'user', content: PING }],
          max_tokens: 1,
        }),
      };
    case 'azure-openai': {
      // The relay's own Azure request builder (deployment URL, api-version, api-key header).
      const call = buildAzureProbeRequest({ ...target, apiKey });
      return { ...call, body: JSON.stringify(call.body) };
    }
    case 'anthropic':
      return {
        method: 'POST',
        url: anthropicUrl(target.baseUrl, '/messages'),
        headers: { ...JSON_HEADERS, ...anthropicHeaders({ apiKey, settings: target.settings }) },
        body: JSON.stringify({
          model: target.upstreamModel,
          max_tokens: 1,
          messages: [{ role: 'user', content: PING }],
        }),
      };
    case 'gemini': {
      // Gemini lists its models as `models/<name>`; operators paste either form.
      const model = encodeURIComponent(target.upstreamModel.replace(/^models\//, ''));
      return {
        method: 'POST',
        url: join(target.baseUrl, 'v1beta', `/models/${model}:generateContent`),
        // In a header rather than ?key=, so the key stays out of URLs, proxies' logs and error texts.
        headers: { ...JSON_HEADERS, 'x-goog-api-key': apiKey },
        body: JSON.stringify({
          contents: [{ role: 'user', parts: [{ text: PING }] }],
          generationConfig: { maxOutputTokens: 1 },
        }),
      };
    }
  }
}

/** What a channel's scheduled health probe sends (settings.healthCheck); see buildHealthCheckRequest. */
export const HEALTH_CHECKS = ['models', 'completion'] as const;
export type HealthCheck = (typeof HEALTH_CHECKS)[number];

/**
 * The cheapest authenticated call that proves a key works, for the scheduled health probes: listing
 * models where that endpoint requires the key (OpenAI and compatible servers, Anthropic, Gemini),
 * costing no tokens; Azure's keys belong to a resource whose deployments are what matters, so there
 * it is the 1-token completion of buildProbeRequest, as for any channel with
 * `settings.healthCheck: "completion"` (a server whose model list needs no key).
 */
export function buildHealthCheckRequest(target: ProbeTarget, apiKey: string): UpstreamRequest {
  const accept = { accept: 'application/json' };
  // A server whose model list answers without a key (some self-hosted ones) proves nothing that way.
  if (target.settings['healthCheck'] === 'completion') return buildProbeRequest(target, apiKey);
  switch (target.type) {
    case 'openai':
      return {
        method: 'GET',
        url: `${target.baseUrl}/models`,
        headers: { ...accept, authorization: `Bearer ${apiKey}` },
      };
    // The providers' own probe builders: the same URL and headers the relay uses.
    case 'anthropic':
      return buildAnthropicProbe({ ...target, apiKey });
    case 'gemini':
      return buildGeminiProbeRequest({ ...target, apiKey });
    case 'azure-openai':
      return buildProbeRequest(target, apiKey);
  }
}
