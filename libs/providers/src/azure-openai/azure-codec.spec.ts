import OpenAI, { AzureOpenAI } from 'openai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CanonicalRequest, UpstreamTarget } from '../canonical/canonical-model';
import { openAiChatCodec } from '../openai/chat-codec';
import { parseCompletionRequest, parseEmbeddingRequest } from '../openai/request';
import { azureOpenAiAdapter } from './azure-adapter';
import { SseDecoder } from '../sse/sse-decoder';
import { AZURE_ERRORS, AZURE_FILTERED_COMPLETION } from './__fixtures__/errors';
import {
  AZURE_DEFAULT_API_VERSION,
  azureOpenAiCodec as codec,
  classifyAzureOpenAiError,
} from './azure-codec';
import { buildAzureProbeRequest } from './probe';

const TARGET: UpstreamTarget = {
  baseUrl: 'https://my-resource.openai.azure.com/',
  apiKey: 'azure-key-123',
  upstreamModel: 'gpt4o prod',
  settings: {},
};

const request: CanonicalRequest = {
  ...openAiChatCodec.parseRequest({
    model: 'gpt-4o',
    messages: [{ role: 'user', content: 'Hi' }],
    max_tokens: 50,
  }),
  stream: true,
};

describe('Azure OpenAI codec', () => {
  it('calls the deployment with the default api-version and the api-key header only', () => {
    const call = codec.buildRequest(request, TARGET);
    expect(call.url).toBe(
      `https://my-resource.openai.azure.com/openai/deployments/gpt4o%20prod/chat/completions?api-version=${AZURE_DEFAULT_API_VERSION}`,
    );
    expect(AZURE_DEFAULT_API_VERSION).toBe('2024-10-21');
    expect(call.headers).toEqual({
      'api-key': 'azure-key-123',
      'content-type': 'application/json',
      accept: 'text/event-stream',
    });
    expect(call.url).not.toContain('azure-key-123');
    expect(call.body).toEqual({
      messages: [{ role: 'user', content: 'Hi' }],
      max_tokens: 50,
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it('uses the channel api-version', () => {
    const call = codec.buildRequest(request, { ...TARGET, settings: { apiVersion: '2025-01-01-preview' } });
    expect(call.url).toMatch(/\?api-version=2025-01-01-preview$/);
  });

  it('is the URL the official AzureOpenAI client calls for that deployment', async () => {
    let seen: { url: string; headers: Headers } | null = null;
    const client = new AzureOpenAI({
      endpoint: 'https://my-resource.openai.azure.com',
      apiKey: 'azure-key-123',
      apiVersion: AZURE_DEFAULT_API_VERSION,
      deployment: 'gpt4o prod',
      fetch: async (url, init) => {
        seen = { url: String(url), headers: new Headers(init?.headers) };
        return new Response(JSON.stringify(AZURE_FILTERED_COMPLETION), {
          headers: { 'content-type': 'application/json' },
        });
      },
    });
    await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }] });
    const call = codec.buildRequest(request, TARGET);
    expect(seen!.url).toBe(call.url);
    expect(seen!.headers.get('api-key')).toBe('azure-key-123');
  });

  it('sends embeddings to the deployment embeddings path the official AzureOpenAI client calls', async () => {
    let seen: { url: string; body: unknown } | null = null;
    const client = new AzureOpenAI({
      endpoint: 'https://my-resource.openai.azure.com',
      apiKey: 'azure-key-123',
      apiVersion: AZURE_DEFAULT_API_VERSION,
      deployment: 'embed prod',
      fetch: async (url, init) => {
        seen = { url: String(url), body: JSON.parse(String(init?.body)) };
        return new Response(JSON.stringify({ object: 'list', data: [], model: 'x', usage: {} }), {
          headers: { 'content-type': 'application/json' },
        });
      },
    });
    await client.embeddings.create({ model: 'e', input: 'hello', encoding_format: 'float' });
    const prepared = azureOpenAiAdapter.prepareRequest({
      request: parseEmbeddingRequest({ model: 'e', input: 'hello', encoding_format: 'float' }),
      upstreamModel: 'embed prod',
      baseUrl: TARGET.baseUrl,
      apiKey: 'azure-key-123',
      settings: {},
      heldOutputTokens: 0,
    });
    expect(prepared.url).toBe(seen!.url);
    expect(prepared.headers).toMatchObject({ 'api-key': 'azure-key-123', accept: 'application/json' });
    expect(prepared.headers).not.toHaveProperty('authorization');
    // The deployment decides the model: the body carries none.
    expect(prepared.body).toEqual({ input: 'hello', encoding_format: 'float' });
    expect(azureOpenAiAdapter.endpoints).toEqual(['chat.completions', 'embeddings']);
    expect(() =>
      azureOpenAiAdapter.prepareRequest({
        request: parseCompletionRequest({ model: 'c', prompt: 'x' }),
        upstreamModel: 'd',
        baseUrl: TARGET.baseUrl,
        apiKey: 'k',
        settings: {},
        heldOutputTokens: 0,
      }),
    ).toThrow(/completions/);
  });

  it('probes with a 1-token completion to the deployment', () => {
    expect(buildAzureProbeRequest(TARGET)).toEqual({
      method: 'POST',
      url: `https://my-resource.openai.azure.com/openai/deployments/gpt4o%20prod/chat/completions?api-version=${AZURE_DEFAULT_API_VERSION}`,
      headers: { 'api-key': 'azure-key-123', 'content-type': 'application/json', accept: 'application/json' },
      body: { messages: [{ role: 'user', content: 'ping' }], max_tokens: 1 },
    });
  });

  it('decodes a filtered completion: content_filter, usage kept', () => {
    expect(codec.decodeResponse(AZURE_FILTERED_COMPLETION)).toEqual({
      id: 'chatcmpl-AzureF1',
      model: 'gpt-4o-2024-11-20',
      content: [],
      finishReason: 'content_filter',
      usage: {
        promptTokens: 21,
        completionTokens: 9,
        cachedTokens: 0,
        cacheWriteTokens: 0,
        reasoningTokens: 0,
      },
    });
  });

  it('decodes the filtered stream (first chunk prompt_filter_results only) and re-encodes it for the SDK', async () => {
    const bytes = readFileSync(join(__dirname, '__fixtures__', 'azure-chat-stream-filtered.sse'));
    const decoder = codec.createStreamDecoder();
    const sse = new SseDecoder();
    const events = [...sse.push(bytes), ...sse.end()].flatMap((event) =>
      decoder.decode(event.event ?? null, event.data),
    );
    events.push(...decoder.end());
    const encoder = openAiChatCodec.createStreamEncoder();
    const text = events.map((event) => encoder.encode(event)).join('') + encoder.finish();
    const client = new OpenAI({
      apiKey: 'k',
      baseURL: 'http://gateway.test/v1',
      fetch: async () => new Response(text, { headers: { 'content-type': 'text/event-stream' } }),
    });
    const completion = await client.chat.completions
      .stream({ model: 'm', messages: [{ role: 'user', content: 'x' }] })
      .finalChatCompletion();
    expect(completion.id).toBe('chatcmpl-AzureX1');
    expect(completion.choices[0].message.content).toBe('Here is a story');
    expect(completion.choices[0].finish_reason).toBe('content_filter');
  });

  it.each([
    ['rateLimited', 'rate_limited', 7000, '429'],
    ['badKey', 'bad_key', null, '401'],
    ['deploymentNotFound', 'client_error', null, 'DeploymentNotFound'],
    ['promptFiltered', 'client_error', null, 'content_filter'],
    ['serverError', 'retry', null, 'InternalServerError'],
  ] as const)('classifies %s as %s', (name, kind, retryAfterMs, code) => {
    const { status, headers, body } = AZURE_ERRORS[name];
    const verdict = classifyAzureOpenAiError({ status, headers, body }, 0);
    expect(verdict.kind).toBe(kind);
    expect(verdict.retryAfterMs).toBe(retryAfterMs);
    expect(verdict.error.code).toBe(code);
  });
});
