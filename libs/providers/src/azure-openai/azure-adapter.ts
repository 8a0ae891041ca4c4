// Azure OpenAI channels for chat completions clients: the same wire format as OpenAI, so the body
// passes through as the OpenAI adapter prepares it (no canonical round trip); only the address (the
// deployment in the path, the API version in the query), the key header and the body's `model`
// (the deployment decides it) differ.
import { openAiAdapter } from '../openai/openai-adapter';
import type { PreparedRequest, PrepareRequestInput, ProviderAdapter } from '../provider-adapter';
import { azureApiVersion, azureOpenAiCodec, classifyAzureOpenAiError } from './azure-codec';

function prepareRequest(input: PrepareRequestInput): PreparedRequest {
  const prepared = openAiAdapter.prepareRequest(input);
  const { model: _model, ...body } = prepared.body;
  const { authorization: _authorization, ...headers } = prepared.headers;
  const base = input.baseUrl.replace(/\/+$/, '');
  const deployment = encodeURIComponent(input.upstreamModel);
  const version = encodeURIComponent(azureApiVersion(input.settings));
  return {
    ...prepared,
    url: `${base}/openai/deployments/${deployment}/chat/completions?api-version=${version}`,
    headers: { ...headers, 'api-key': input.apiKey },
    body,
  };
}

export const azureOpenAiAdapter: ProviderAdapter = {
  ...openAiAdapter,
  // Azure serves embeddings and legacy completions at other deployment paths; not wired (untested).
  endpoints: ['chat.completions'],
  codec: azureOpenAiCodec,
  prepareRequest,
  classifyError: classifyAzureOpenAiError,
};
