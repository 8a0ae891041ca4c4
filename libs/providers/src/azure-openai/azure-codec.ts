// Azure OpenAI as an upstream: OpenAI's chat completions wire format at another address. The
// deployment (the channel's upstream model, named through modelMapping) is in the path, the API
// version in the query, and the key in the `api-key` header (never Authorization, never the URL).
import type {
  CanonicalCodec,
  CanonicalRequest,
  UpstreamCall,
  UpstreamTarget,
} from '../canonical/canonical-model';
import { classifyUpstreamError, type UpstreamErrorClassifier } from '../errors/classify-upstream-error';
import { openAiChatCodec } from '../openai/chat-codec';

/**
 * Azure's GA data-plane version, the same default the channel settings and the probes document
 * (libs/channels DEFAULT_AZURE_API_VERSION). A channel picks another with `settings.apiVersion`,
 * e.g. `2024-12-01-preview` or later for o-series deployments (`max_completion_tokens`,
 * `reasoning_effort`).
 */
export const AZURE_DEFAULT_API_VERSION = '2024-10-21';

export function azureApiVersion(settings: UpstreamTarget['settings']): string {
  const configured = settings['apiVersion'];
  return typeof configured === 'string' && configured !== '' ? configured : AZURE_DEFAULT_API_VERSION;
}

function buildAzureRequest(request: CanonicalRequest, target: UpstreamTarget): UpstreamCall {
  const chat = openAiChatCodec.buildRequest(request, target);
  // The deployment decides the model; Azure ignores `model` in the body, so it is not sent.
  const { model: _model, ...body } = chat.body;
  const { authorization: _authorization, ...headers } = chat.headers;
  const base = target.baseUrl.replace(/\/+$/, '');
  const deployment = encodeURIComponent(target.upstreamModel);
  return {
    method: 'POST',
    url: `${base}/openai/deployments/${deployment}/chat/completions?api-version=${encodeURIComponent(azureApiVersion(target.settings))}`,
    headers: { ...headers, 'api-key': target.apiKey },
    body,
  };
}

/**
 * Azure's errors are OpenAI's shape with Azure codes: `{"error":{"code":"429",...}}` for rate
 * limits, `"401"` for a bad key, `DeploymentNotFound` (404), and `content_filter` (400) with
 * `innererror.code: ResponsibleAIPolicyViolation` for a filtered prompt. The statuses say it all,
 * so the shared table applies: a filtered prompt is the client's error, never a retry.
 */
export const classifyAzureOpenAiError: UpstreamErrorClassifier = classifyUpstreamError;

/**
 * Same request, answer and stream translation as OpenAI chat completions (Azure's extra
 * `prompt_filter_results` chunk and `content_filter_results` fields are read past, its
 * `content_filter` finish reason maps like OpenAI's). Only the address and the key header differ.
 */
export const azureOpenAiCodec: CanonicalCodec = { ...openAiChatCodec, buildRequest: buildAzureRequest };
