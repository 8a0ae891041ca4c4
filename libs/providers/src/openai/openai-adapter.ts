// The adapter for every OpenAI-compatible upstream (OpenAI, OpenRouter, DeepSeek, Groq, vLLM…):
// the internal form is already OpenAI's, so preparing a call is mapping the model and asking
// streams for their usage, and capping the output at the hold when the client did not.
import { classifyUpstreamError } from '../errors/classify-upstream-error';
import { openAiChatCodec } from './chat-codec';
import type { ProviderAdapter, PrepareRequestInput, PreparedRequest } from '../provider-adapter';
import { applyModelMapping, withOutputCeiling, withUsageRequested, type OpenAiEndpoint } from './request';
import { responseUsage } from './response';
import { OpenAiStreamObserver } from './stream';

const ENDPOINT_PATHS: Record<OpenAiEndpoint, string> = {
  'chat.completions': '/chat/completions',
  completions: '/completions',
  embeddings: '/embeddings',
};

/**
 * The call to an OpenAI-format upstream. `namedByModel`: the upstream model's name says which model
 * it is (false for Azure, whose deployments their operators name), so it may pick the output field.
 */
export function prepareOpenAiRequest(
  { request, upstreamModel, baseUrl, apiKey, heldOutputTokens, settings }: PrepareRequestInput,
  namedByModel = true,
): PreparedRequest {
  const prepared =
    request.endpoint === 'embeddings'
      ? { body: applyModelMapping(request.body, upstreamModel), clientAskedForUsage: false }
      : withUsageRequested(
          withOutputCeiling(
            applyModelMapping(request.body, upstreamModel),
            upstreamModel,
            heldOutputTokens,
            settings,
            namedByModel,
          ),
        );
  return {
    method: 'POST',
    // Channel base URLs include the version segment (`…/v1`, Zhipu's `…/v4`); endpoints follow it.
    url: `${baseUrl.replace(/\/+$/, '')}${ENDPOINT_PATHS[request.endpoint]}`,
    headers: {
      authorization: `Bearer ${apiKey}`,
      'content-type': 'application/json',
      accept: request.stream ? 'text/event-stream' : 'application/json',
    },
    // Named, not spread: a spread after other fields is a runtime call in V8 (issue #16).
    body: prepared.body,
    clientAskedForUsage: prepared.clientAskedForUsage,
  };
}

export const openAiAdapter: ProviderAdapter = {
  endpoints: ['chat.completions', 'completions', 'embeddings'],
  codec: openAiChatCodec,
  mediaEndpoints: [
    'images.generations',
    'images.edits',
    'audio.transcriptions',
    'audio.translations',
    'audio.speech',
    'moderations',
    'rerank',
  ],
  prepareRequest: (input) => prepareOpenAiRequest(input),
  createStreamObserver: (options) => new OpenAiStreamObserver(options),
  responseUsage,
  classifyError: classifyUpstreamError,
};
