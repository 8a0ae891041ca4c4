// The smallest real request that proves a key works, in each provider's own wire format.
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
export const DEFAULT_AZURE_API_VERSION = '2024-10-21';
export const ANTHROPIC_VERSION = '2023-06-01';

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
      const configured = target.settings['apiVersion'];
      const apiVersion =
        typeof configured === 'string' && configured ? configured : DEFAULT_AZURE_API_VERSION;
      const deployment = encodeURIComponent(target.upstreamModel);
      return {
        method: 'POST',
        url: `${target.baseUrl}/openai/deployments/${deployment}/chat/completions?api-version=${encodeURIComponent(apiVersion)}`,
        headers: { ...JSON_HEADERS, 'api-key': apiKey },
        body: JSON.stringify({ messages: [{ role: 'user', content: PING }], max_tokens: 1 }),
      };
    }
    case 'anthropic':
      return {
        method: 'POST',
        url: join(target.baseUrl, 'v1', '/messages'),
        headers: { ...JSON_HEADERS, 'x-api-key': apiKey, 'anthropic-version': ANTHROPIC_VERSION },
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
    case 'anthropic':
      return {
        method: 'GET',
        url: `${join(target.baseUrl, 'v1', '/models')}?limit=1`,
        headers: { ...accept, 'x-api-key': apiKey, 'anthropic-version': ANTHROPIC_VERSION },
      };
    case 'gemini':
      return {
        method: 'GET',
        url: `${join(target.baseUrl, 'v1beta', '/models')}?pageSize=1`,
        headers: { ...accept, 'x-goog-api-key': apiKey },
      };
    case 'azure-openai':
      return buildProbeRequest(target, apiKey);
  }
}
