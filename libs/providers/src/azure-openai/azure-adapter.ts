// Azure OpenAI channels for chat completions and embeddings clients: the same wire format as
// OpenAI, so the body passes through as the OpenAI adapter prepares it (no canonical round trip);
// only the address (the deployment in the path, the API version in the query), the key header and
// the body's `model` (the deployment decides it) differ.
import { openAiAdapter, prepareOpenAiRequest } from '../openai/openai-adapter';
import type { OpenAiEndpoint } from '../openai/request';
import type { PreparedRequest, PrepareRequestInput, ProviderAdapter } from '../provider-adapter';
import { azureApiVersion, azureOpenAiCodec, classifyAzureOpenAiError } from './azure-codec';

/** The operation under a deployment's path, per endpoint the adapter serves. */
const DEPLOYMENT_OPERATIONS: Partial<Record<OpenAiEndpoint, string>> = {
  'chat.completions': 'chat/completions',
  embeddings: 'embeddings',
};

function prepareRequest(input: PrepareRequestInput): PreparedRequest {
  // A deployment's name is its operator's: only the channel's maxTokensField moves a client's ceiling.
  const prepared = prepareOpenAiRequest(input, false);
  const { model: _model, ...body } = prepared.body;
  const { authorization: _authorization, ...headers } = prepared.headers;
  const base = input.baseUrl.replace(/\/+$/, '');
  const deployment = encodeURIComponent(input.upstreamModel);
  const version = encodeURIComponent(azureApiVersion(input.settings));
  const operation = DEPLOYMENT_OPERATIONS[input.request.endpoint];
  // The relay routes only the endpoints below to this adapter; anything else is a wiring bug.
  if (operation === undefined) throw new Error(`azure-openai does not serve ${input.request.endpoint}`);
  return {
    ...prepared,
    url: `${base}/openai/deployments/${deployment}/${operation}?api-version=${version}`,
    headers: { ...headers, 'api-key': input.apiKey },
    body,
  };
}

export const azureOpenAiAdapter: ProviderAdapter = {
  ...openAiAdapter,
  // Azure serves legacy completions at another deployment path too; not wired (no Azure model left
  // that needs them).
  endpoints: ['chat.completions', 'embeddings'],
  codec: azureOpenAiCodec,
  prepareRequest,
  classifyError: classifyAzureOpenAiError,
};
