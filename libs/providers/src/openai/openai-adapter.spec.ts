import { startMockUpstream, mockCompletionText, type MockUpstream } from '@gateway/mock-upstream';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import OpenAI from 'openai';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { request as undiciRequest } from 'undici';
import type { StreamOutcome } from '../provider-adapter';
import { adapterFor } from '../registry';
import { SseDecoder } from '../sse/sse-decoder';
import { encodeSseEvent } from '../sse/sse-encoder';
import { countChatPromptTokens } from '../usage/token-counter';
import { azureOpenAiAdapter } from '../azure-openai/azure-adapter';
import { openAiAdapter } from './openai-adapter';
import { parseChatCompletionRequest, parseCompletionRequest, parseEmbeddingRequest } from './request';

describe('openAiAdapter.prepareRequest', () => {
  const chat = parseChatCompletionRequest({
    model: 'alias',
    messages: [{ role: 'user', content: 'hi' }],
    stream: true,
    top_k: 3,
  });

  it('calls the endpoint under the base URL with the key, the mapped model and the usage request', () => {
    const prepared = openAiAdapter.prepareRequest({
      request: chat,
      upstreamModel: 'gpt-4o-mini',
      baseUrl: 'https://api.example.com/v1/',
      apiKey: 'sk-upstream',
      settings: {},
      heldOutputTokens: 4096,
    });
    expect(prepared).toEqual({
      method: 'POST',
      url: 'https://api.example.com/v1/chat/completions',
      headers: {
        authorization: 'Bearer sk-upstream',
        'content-type': 'application/json',
        accept: 'text/event-stream',
      },
      body: {
        ...chat.body,
        model: 'gpt-4o-mini',
        stream_options: { include_usage: true },
        max_tokens: 4096,
      },
      clientAskedForUsage: false,
    });
    expect(chat.body.model).toBe('alias');
    expect(chat.body).not.toHaveProperty('max_tokens');
  });

  describe('caps the output at the hold when the client set no limit', () => {
    const prepare = (
      body: Record<string, unknown>,
      upstreamModel: string,
      heldOutputTokens = 512,
      settings: Record<string, unknown> = {},
    ) =>
      openAiAdapter.prepareRequest({
        request: body['prompt']
          ? parseCompletionRequest(body)
          : parseChatCompletionRequest({ messages: [{ role: 'user', content: 'hi' }], ...body }),
        upstreamModel,
        baseUrl: 'http://h/v1',
        apiKey: 'k',
        settings,
        heldOutputTokens,
      }).body;

    it('in max_tokens, which every OpenAI-compatible server knows', () => {
      expect(prepare({ model: 'm' }, 'deepseek-chat')).toMatchObject({ max_tokens: 512 });
      expect(prepare({ model: 'm', prompt: 'x' }, 'gpt-3.5-turbo-instruct')).toMatchObject({
        max_tokens: 512,
      });
    });

    it('in max_completion_tokens for OpenAI reasoning models, which refuse max_tokens', () => {
      for (const model of ['o1', 'o3-mini', 'o4-mini', 'gpt-5', 'gpt-5-mini']) {
        const body = prepare({ model: 'm' }, model);
        expect(body).toMatchObject({ max_completion_tokens: 512 });
        expect(body).not.toHaveProperty('max_tokens');
      }
      expect(prepare({ model: 'm', prompt: 'x' }, 'o1')).toMatchObject({ max_tokens: 512 });
    });

    it("in the channel's maxTokensField whatever the upstream model is named, the client's limit moved to it", () => {
      // An Azure deployment named by its operator: the name says nothing about the model behind it.
      const reasoning = { maxTokensField: 'max_completion_tokens' };
      expect(prepare({ model: 'm' }, 'prod-reasoning', 512, reasoning)).toMatchObject({
        max_completion_tokens: 512,
      });
      const moved = prepare({ model: 'm', max_tokens: 9 }, 'prod-reasoning', 512, reasoning);
      expect(moved).toMatchObject({ max_completion_tokens: 9 });
      expect(moved).not.toHaveProperty('max_tokens');
      const plain = { maxTokensField: 'max_tokens' };
      expect(prepare({ model: 'm' }, 'o3-mini', 512, plain)).toMatchObject({ max_tokens: 512 });
      const back = prepare({ model: 'm', max_completion_tokens: 7 }, 'o3-mini', 512, plain);
      expect(back).toMatchObject({ max_tokens: 7 });
      expect(back).not.toHaveProperty('max_completion_tokens');
      // Both set by the client: left as sent. Legacy completions know only max_tokens.
      expect(
        prepare({ model: 'm', max_tokens: 5, max_completion_tokens: 6 }, 'x', 512, reasoning),
      ).toMatchObject({ max_tokens: 5, max_completion_tokens: 6 });
      expect(prepare({ model: 'm', prompt: 'x' }, 'x', 512, reasoning)).toMatchObject({ max_tokens: 512 });
      // Without the setting, by the upstream model after mapping.
      expect(prepare({ model: 'm' }, 'prod-reasoning')).toMatchObject({ max_tokens: 512 });
    });

    it("moves the client's limit to the field the upstream model reads, which may ignore the other", () => {
      // DeepSeek's API knows only max_tokens: sent max_completion_tokens, it writes its own default.
      const moved = prepare({ model: 'm', max_completion_tokens: 9 }, 'deepseek-chat');
      expect(moved).toMatchObject({ max_tokens: 9 });
      expect(moved).not.toHaveProperty('max_completion_tokens');
      const reasoning = prepare({ model: 'm', max_tokens: 9 }, 'o4-mini');
      expect(reasoning).toMatchObject({ max_completion_tokens: 9 });
      expect(reasoning).not.toHaveProperty('max_tokens');
      expect(prepare({ model: 'm', max_tokens: 9 }, 'ft:o4-mini-2025-04-16:acme::x1')).toMatchObject({
        max_completion_tokens: 9,
      });
      // Both sent: left as they are (the hold covers the larger).
      expect(prepare({ model: 'm', max_tokens: 5, max_completion_tokens: 6 }, 'deepseek-chat')).toMatchObject(
        {
          max_tokens: 5,
          max_completion_tokens: 6,
        },
      );
    });

    it("leaves an Azure deployment's field to its channel: the name is its operator's", () => {
      const azure = (body: Record<string, unknown>, settings: Record<string, unknown> = {}) =>
        azureOpenAiAdapter.prepareRequest({
          request: parseChatCompletionRequest({ messages: [{ role: 'user', content: 'hi' }], ...body }),
          upstreamModel: 'prod-reasoning',
          baseUrl: 'https://r.openai.azure.com',
          apiKey: 'k',
          settings,
          heldOutputTokens: 512,
        }).body;
      expect(azure({ model: 'm', max_completion_tokens: 9 })).toEqual(
        expect.not.objectContaining({ max_tokens: expect.anything() }),
      );
      expect(azure({ model: 'm', max_completion_tokens: 9 }, { maxTokensField: 'max_tokens' })).toMatchObject(
        {
          max_tokens: 9,
        },
      );
    });

    it('never over a limit the client set, in either field, nor when nothing was held', () => {
      expect(prepare({ model: 'm', max_tokens: 9 }, 'gpt-4o')).toEqual(
        expect.not.objectContaining({ max_completion_tokens: expect.anything() }),
      );
      expect(prepare({ model: 'm', max_completion_tokens: 9 }, 'o3')).toEqual(
        expect.not.objectContaining({ max_tokens: expect.anything() }),
      );
      expect(prepare({ model: 'm', prompt: 'x', max_tokens: 0 }, 'davinci')).toMatchObject({ max_tokens: 0 });
      const unheld = prepare({ model: 'm' }, 'gpt-4o', 0);
      expect(unheld).not.toHaveProperty('max_tokens');
      expect(unheld).not.toHaveProperty('max_completion_tokens');
    });
  });

  it('sends embeddings as they are, with the mapped model', () => {
    const request = parseEmbeddingRequest({ model: 'e', input: 'x', dimensions: 8 });
    const prepared = openAiAdapter.prepareRequest({
      request,
      upstreamModel: 'text-embedding-3-small',
      baseUrl: 'http://h/v1',
      apiKey: 'k',
      settings: {},
      heldOutputTokens: 0,
    });
    expect(prepared).toMatchObject({
      url: 'http://h/v1/embeddings',
      headers: { accept: 'application/json' },
      body: { model: 'text-embedding-3-small', input: 'x', dimensions: 8 },
      clientAskedForUsage: false,
    });
  });
});

/**
 * The relay's streaming path in miniature, built only from this lib: parse, prepare, call the mock
 * upstream, decode, observe, re-encode. The official SDK reads what comes out.
 */
describe('a relay built from the provider layer, read by the OpenAI SDK', () => {
  let mock: MockUpstream;
  let relay: Server;
  let relayUrl: string;
  const outcomes: StreamOutcome[] = [];

  beforeAll(async () => {
    mock = await startMockUpstream();
    relay = createServer(async (req, res) => {
      let raw = '';
      for await (const piece of req) raw += piece;
      const request = parseChatCompletionRequest(JSON.parse(raw));
      const adapter = adapterFor('openai')!;
      const prepared = adapter.prepareRequest({
        request,
        upstreamModel: 'mock-gpt',
        baseUrl: mock.baseUrl,
        apiKey: String(req.headers['x-upstream-key']),
        settings: {},
        heldOutputTokens: 4096,
      });
      const upstream = await undiciRequest(prepared.url, {
        method: prepared.method,
        headers: prepared.headers,
        body: JSON.stringify(prepared.body),
      });
      const watch = adapter.createStreamObserver({
        clientAskedForUsage: prepared.clientAskedForUsage,
        promptTokens: countChatPromptTokens(request.body),
      });
      const decoder = new SseDecoder();
      res.writeHead(upstream.statusCode, { 'content-type': 'text/event-stream' });
      const forward = (events: ReturnType<SseDecoder['push']>) => {
        for (const event of events) {
          const observed = watch.observe(event);
          if (!observed.suppress && 'event' in observed) res.write(encodeSseEvent(observed.event));
        }
      };
      for await (const chunk of upstream.body) forward(decoder.push(chunk));
      forward(decoder.end());
      outcomes.push(watch.outcome());
      res.end();
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    relayUrl = `http://127.0.0.1:${(relay.address() as AddressInfo).port}/v1`;
  });
  beforeEach(() => {
    outcomes.length = 0;
  });
  afterAll(async () => {
    await new Promise((resolve) => relay.close(resolve));
    await mock.close();
  });

  async function streamThroughRelay(
    upstreamKey: string,
    includeUsage: boolean,
  ): Promise<ChatCompletionChunk[]> {
    const client = new OpenAI({
      apiKey: 'sk-gateway-token',
      baseURL: relayUrl,
      maxRetries: 0,
      defaultHeaders: { 'x-upstream-key': upstreamKey },
    });
    const stream = await client.chat.completions.create({
      model: 'my-alias',
      messages: [{ role: 'user', content: 'Say something, please.' }],
      stream: true,
      ...(includeUsage ? { stream_options: { include_usage: true } } : {}),
    });
    const chunks: ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    return chunks;
  }

  const text = (chunks: ChatCompletionChunk[]) =>
    chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');

  it('hides the usage chunk the gateway asked for, and still bills the upstream usage', async () => {
    const chunks = await streamThroughRelay('sk-mock;chunks=4', false);
    expect(text(chunks)).toBe(mockCompletionText(12));
    expect(chunks.every((chunk) => chunk.choices.length > 0)).toBe(true);
    expect(mock.requests[mock.requests.length - 1].body).toMatchObject({
      model: 'mock-gpt',
      stream_options: { include_usage: true },
    });
    expect(outcomes).toEqual([
      expect.objectContaining({
        usage: expect.objectContaining({ completionTokens: 12 }),
        usageSource: 'upstream',
        sawDone: true,
        finishReason: 'stop',
      }),
    ]);
  });

  it('passes the usage chunk to a client that asked for it', async () => {
    const chunks = await streamThroughRelay('sk-mock;chunks=4', true);
    expect(chunks[chunks.length - 1]).toMatchObject({ choices: [], usage: { completion_tokens: 12 } });
  });

  it('counts the tokens itself when the upstream sends no usage', async () => {
    await streamThroughRelay('sk-mock;usage=0', false);
    // The real tokenizer, not the mock's one-token-per-word rule: "charlie" is two tokens, etc.
    expect(outcomes[0]).toMatchObject({
      usageSource: 'counted',
      usage: { completionTokens: countTokens(mockCompletionText(12)) },
      sawDone: true,
    });
  });
});
