import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { anthropicCodec } from '../anthropic/anthropic-codec';
import { parseChatCompletionRequest, parseEmbeddingRequest } from '../openai/request';
import type { PrepareRequestInput, ProviderAdapter, StreamObserver } from '../provider-adapter';
import { adapterFor } from '../registry';
import { SseDecoder } from '../sse/sse-decoder';
import { RequestValidationError } from '../validation/request-validation-error';
import { ingressAttempt } from './ingress-attempt';

const anthropic = adapterFor('anthropic') as ProviderAdapter;
const gemini = adapterFor('gemini') as ProviderAdapter;
const azure = adapterFor('azure-openai') as ProviderAdapter;

function fixture(provider: string, file: string): Buffer {
  return readFileSync(join(__dirname, '..', provider, '__fixtures__', file));
}

function input(body: object, overrides: Partial<PrepareRequestInput> = {}): PrepareRequestInput {
  return {
    request: parseChatCompletionRequest({
      model: 'claude',
      messages: [{ role: 'user', content: 'hi' }],
      ...body,
    }),
    upstreamModel: 'claude-sonnet-4-5',
    baseUrl: 'https://api.anthropic.com/',
    apiKey: 'sk-ant-secret-key-0001',
    settings: {},
    heldOutputTokens: 4096,
    ...overrides,
  };
}

/** Feeds a recorded upstream stream through the observer, `end()` only when it was not cut. */
function replay(observer: StreamObserver, bytes: Buffer, cleanEnd = true): string {
  const sse = new SseDecoder();
  let out = '';
  const write = (events: ReturnType<SseDecoder['push']>) => {
    for (const event of events) {
      const observed = observer.observe(event);
      if (!observed.suppress) out += 'text' in observed ? observed.text : '<passthrough>';
    }
  };
  write(sse.push(new Uint8Array(bytes)));
  write(sse.end());
  if (cleanEnd) out += observer.end?.() ?? '';
  return out;
}

/** A /v1/messages client (with its own max_tokens) served by `channel`. */
function messagesClient(channel: ProviderAdapter) {
  const sent = { model: 'claude', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] };
  return ingressAttempt(channel, {
    codec: anthropicCodec,
    request: anthropicCodec.parseRequest(sent),
    body: sent,
  });
}

function chunks(text: string): Array<Record<string, unknown>> {
  return text
    .split('\n\n')
    .filter((frame) => frame.startsWith('data: ') && frame !== 'data: [DONE]')
    .map((frame) => JSON.parse(frame.slice('data: '.length)) as Record<string, unknown>);
}

describe('chat completions clients served by another format', () => {
  it('builds an Anthropic call with the key in x-api-key and the held ceiling as max_tokens', () => {
    const prepared = anthropic.prepareRequest(
      input({ stream: true, stream_options: { include_usage: true } }),
    );
    expect(prepared.url).toBe('https://api.anthropic.com/v1/messages');
    expect(prepared.headers['x-api-key']).toBe('sk-ant-secret-key-0001');
    expect(prepared.headers['anthropic-version']).toBeDefined();
    expect(prepared.url).not.toContain('sk-ant');
    expect(prepared.body).toMatchObject({ model: 'claude-sonnet-4-5', max_tokens: 4096, stream: true });
    expect(prepared.clientAskedForUsage).toBe(true);
    expect(prepared.clientRequest?.includeUsage).toBe(true);
  });

  it("keeps the client's own max_tokens (the hold was made for it)", () => {
    const prepared = anthropic.prepareRequest(input({ max_tokens: 50 }));
    expect(prepared.body['max_tokens']).toBe(50);
  });

  it("sets Gemini's maxOutputTokens, with the key in a header and never the URL", () => {
    const prepared = gemini.prepareRequest(
      input(
        { stream: true },
        { baseUrl: 'https://generativelanguage.googleapis.com', upstreamModel: 'gemini-2.5-flash' },
      ),
    );
    expect(prepared.url).toBe(
      'https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse',
    );
    expect(prepared.headers['x-goog-api-key']).toBe('sk-ant-secret-key-0001');
    expect(prepared.body).toMatchObject({ generationConfig: { maxOutputTokens: 4096 } });
  });

  it('refuses what chat completions cannot carry to another format, naming the field', () => {
    expect(() => anthropic.prepareRequest(input({ n: 2 }))).toThrow(RequestValidationError);
    const embeddings = { ...input({}), request: parseEmbeddingRequest({ model: 'e', input: 'x' }) };
    expect(() => gemini.prepareRequest(embeddings)).toThrow(expect.objectContaining({ param: 'model' }));
  });

  it('translates a non-stream Anthropic answer, with cache reads and writes inside the prompt and apart', () => {
    const body: unknown = JSON.parse(fixture('anthropic', 'message-tool-use.json').toString());
    const translated = anthropic.translateResponse?.(body, 7);
    expect(translated?.usage).toEqual({
      promptTokens: 2095 + 1800 + 300,
      completionTokens: 503,
      cachedTokens: 1800,
      cacheWriteTokens: 300,
      reasoningTokens: 0,
    });
    expect(translated?.usageSource).toBe('upstream');
    expect(translated?.body).toMatchObject({
      object: 'chat.completion',
      choices: [
        {
          finish_reason: 'tool_calls',
          message: {
            content: "I'll check the weather.",
            tool_calls: [{ function: { name: 'get_weather' } }],
          },
        },
      ],
      usage: { prompt_tokens: 4195, completion_tokens: 503, prompt_tokens_details: { cached_tokens: 1800 } },
    });
    expect(anthropic.responseUsage(body, 7)).toEqual({ usage: translated?.usage, usageSource: 'upstream' });
  });

  it("makes Gemini's blocked prompt the client's error", () => {
    const body: unknown = JSON.parse(fixture('gemini', 'response-blocked-prompt.json').toString());
    expect(() => gemini.translateResponse?.(body, 1)).toThrow(
      expect.objectContaining({ name: 'RequestValidationError', param: 'messages' }),
    );
  });

  it('rewrites an Anthropic stream into chunks a chat client reassembles, ending in [DONE]', () => {
    const observer = anthropic.createStreamObserver({
      clientAskedForUsage: true,
      clientRequest: anthropic.prepareRequest(
        input({ stream: true, stream_options: { include_usage: true } }),
      ).clientRequest,
      promptTokens: 3,
      now: () => 42,
    });
    const out = replay(observer, fixture('anthropic', 'messages-stream-tool-use.sse'));
    expect(out.endsWith('data: [DONE]\n\n')).toBe(true);
    const parsed = chunks(out);
    const args = new Map<number, string>();
    for (const chunk of parsed) {
      const choices = (chunk['choices'] ?? []) as Array<{
        delta: { tool_calls?: Array<{ index: number; function: { arguments?: string } }> };
      }>;
      for (const call of choices.flatMap((choice) => choice.delta.tool_calls ?? [])) {
        args.set(call.index, (args.get(call.index) ?? '') + (call.function.arguments ?? ''));
      }
    }
    expect(JSON.parse(args.get(0) ?? '')).toEqual(expect.objectContaining({ location: 'San Francisco, CA' }));
    const usageChunk = parsed.at(-1);
    expect(usageChunk).toMatchObject({ choices: [], usage: { prompt_tokens: 472 } });
    const outcome = observer.outcome();
    expect(outcome).toMatchObject({
      sawDone: true,
      finishReason: 'tool_calls',
      firstContentAt: 42,
      usageSource: 'upstream',
    });
    expect(outcome.usage?.promptTokens).toBe(472);
  });

  it('leaves out the usage chunk for a client that did not ask for it', () => {
    const observer = anthropic.createStreamObserver({
      clientAskedForUsage: false,
      clientRequest: anthropic.prepareRequest(input({ stream: true })).clientRequest,
      promptTokens: 3,
    });
    const out = replay(observer, fixture('anthropic', 'messages-stream-text.sse'));
    expect(chunks(out).some((c) => 'usage' in c)).toBe(false);
    expect(out.endsWith('data: [DONE]\n\n')).toBe(true);
  });

  it('never ends a cut stream with [DONE]; the error chunk masks the key', () => {
    const observer = anthropic.createStreamObserver({
      clientAskedForUsage: false,
      promptTokens: 3,
      secrets: ['sk-ant-secret-key-0001'],
    });
    const out = replay(observer, fixture('anthropic', 'messages-stream-dropped.sse'), false);
    expect(out).not.toContain('[DONE]');
    expect(observer.outcome().sawDone).toBe(false);
    const failed =
      observer.fail?.('the upstream closed the stream before it finished', 'upstream_error') ?? '';
    expect(chunks(failed)).toEqual([
      { error: expect.objectContaining({ code: 'upstream_error', type: 'server_error' }) },
    ]);

    const erred = anthropic.createStreamObserver({
      clientAskedForUsage: false,
      promptTokens: 3,
      secrets: ['sk-ant-secret-key-0001'],
    });
    const text = replay(erred, fixture('anthropic', 'messages-stream-error.sse'));
    expect(text).not.toContain('[DONE]');
    expect(erred.outcome().upstreamError).not.toBeNull();
    expect(erred.outcome().sawDone).toBe(false);

    const leaky = anthropic.createStreamObserver({
      clientAskedForUsage: false,
      promptTokens: 3,
      secrets: ['sk-ant-secret-key-0001'],
    });
    const observed = leaky.observe({
      event: 'error',
      data: JSON.stringify({
        type: 'error',
        error: { type: 'overloaded_error', message: 'key sk-ant-secret-key-0001 is overloaded' },
      }),
    });
    expect(observed.suppress).toBe(false);
    expect(JSON.stringify(observed)).not.toContain('sk-ant-secret-key-0001');
    expect(leaky.outcome().upstreamError).toContain('overloaded');
    expect(leaky.outcome().upstreamError).not.toContain('sk-ant-secret-key-0001');
  });

  it('sends nothing before the first content, so an overload right after message_start can still fail over', () => {
    const observer = anthropic.createStreamObserver({ clientAskedForUsage: false, promptTokens: 3 });
    const start = {
      type: 'message_start',
      message: { id: 'msg_1', model: 'claude', usage: { input_tokens: 3, output_tokens: 1 } },
    };
    expect(observer.observe({ event: 'message_start', data: JSON.stringify(start) })).toEqual({
      suppress: true,
    });
    expect(observer.observe({ event: 'ping', data: '{"type":"ping"}' })).toEqual({ suppress: true });
    const overloaded = observer.observe({
      event: 'error',
      data: JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }),
    });
    expect(observer.outcome().upstreamError).toBe('Overloaded');
    // Released with the error (the relay discards it and fails over when nothing was sent yet).
    expect(chunks('text' in overloaded ? overloaded.text : '')).toEqual([
      expect.objectContaining({
        choices: [expect.objectContaining({ delta: { role: 'assistant', content: '' } })],
      }),
      { error: expect.objectContaining({ message: 'Overloaded' }) },
    ]);

    const fine = anthropic.createStreamObserver({ clientAskedForUsage: false, promptTokens: 3 });
    fine.observe({ event: 'message_start', data: JSON.stringify(start) });
    const first = fine.observe({
      event: 'content_block_start',
      data: JSON.stringify({
        type: 'content_block_start',
        index: 0,
        content_block: { type: 'text', text: 'Hi' },
      }),
    });
    expect(chunks('text' in first ? first.text : '').map((c) => c['choices'])).toEqual([
      [expect.objectContaining({ delta: { role: 'assistant', content: '' } })],
      [expect.objectContaining({ delta: { content: 'Hi' } })],
    ]);
  });

  it("reads Gemini's last usage-only chunk, reasoning included, and ends in [DONE]", () => {
    const observer = gemini.createStreamObserver({ clientAskedForUsage: false, promptTokens: 1 });
    const out = replay(observer, fixture('gemini', 'stream-thoughts-usage-last.sse'));
    expect(out.endsWith('data: [DONE]\n\n')).toBe(true);
    const outcome = observer.outcome();
    expect(outcome.sawDone).toBe(true);
    expect(outcome.usageSource).toBe('upstream');
    expect(outcome.usage?.reasoningTokens).toBeGreaterThan(0);
  });

  it("makes Gemini's blocked prompt in a stream the client's fault, not a reason to fail over", () => {
    const observer = gemini.createStreamObserver({ clientAskedForUsage: false, promptTokens: 1 });
    replay(observer, fixture('gemini', 'stream-blocked-prompt.sse'));
    expect(observer.outcome()).toMatchObject({ clientFault: true, sawDone: false });
    expect(observer.outcome().upstreamError).not.toBeNull();

    const overloaded = gemini.createStreamObserver({ clientAskedForUsage: false, promptTokens: 1 });
    replay(overloaded, fixture('gemini', 'stream-error.sse'));
    expect(overloaded.outcome()).toMatchObject({ clientFault: false });
    expect(overloaded.outcome().upstreamError).not.toBeNull();
  });

  it("bills a stream cut before Anthropic's final count at what it relayed, with the upstream's prompt", () => {
    // message_start's output count (1) is a placeholder: a client that leaves, a dropped connection
    // or an error event before message_delta must not make the answer so far cost one token.
    const long = 'alpha bravo charlie delta echo foxtrot golf hotel india juliett '.repeat(4);
    const start = {
      type: 'message_start',
      message: {
        id: 'msg_1',
        model: 'claude',
        usage: { input_tokens: 11, cache_read_input_tokens: 4, output_tokens: 1 },
      },
    };
    const delta = {
      type: 'content_block_delta',
      index: 0,
      delta: { type: 'text_delta', text: long },
    };
    const ends: Array<[string, (observer: StreamObserver) => void]> = [
      ['cut', () => undefined],
      [
        'error',
        (observer) =>
          observer.observe({
            event: 'error',
            data: JSON.stringify({
              type: 'error',
              error: { type: 'overloaded_error', message: 'Overloaded' },
            }),
          }),
      ],
    ];
    for (const [, end] of ends) {
      for (const adapter of [anthropic, messagesClient(anthropic)]) {
        const observer = adapter.createStreamObserver({ clientAskedForUsage: true, promptTokens: 3 });
        observer.observe({ event: 'message_start', data: JSON.stringify(start) });
        observer.observe({ event: 'content_block_delta', data: JSON.stringify(delta) });
        end(observer);
        const outcome = observer.outcome();
        expect(outcome.usageSource).toBe('counted');
        // The prompt as Anthropic counted it (input + cache reads), not the gateway's estimate of 3.
        expect(outcome.usage).toMatchObject({ promptTokens: 15, cachedTokens: 4 });
        expect(outcome.usage?.completionTokens).toBeGreaterThanOrEqual(40);
      }
    }
  });

  it("takes Anthropic's final count once message_delta gives it, even below the gateway's own", () => {
    const observer = anthropic.createStreamObserver({ clientAskedForUsage: false, promptTokens: 3 });
    replay(observer, fixture('anthropic', 'messages-stream-text.sse'));
    expect(observer.outcome()).toMatchObject({
      usageSource: 'upstream',
      usage: { promptTokens: 4625, completionTokens: 15 },
    });
  });

  it('counts an Anthropic stream that reports no usage, and tells the client that count, not zeros', () => {
    const events = [
      { type: 'message_start', message: { id: 'msg_2', model: 'claude' } },
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'one two three four' } },
      { type: 'message_delta', delta: { stop_reason: 'end_turn' } },
      { type: 'message_stop' },
    ];
    const observer = anthropic.createStreamObserver({
      clientAskedForUsage: true,
      clientRequest: anthropic.prepareRequest(
        input({ stream: true, stream_options: { include_usage: true } }),
      ).clientRequest,
      promptTokens: 6,
    });
    let out = '';
    for (const event of events) {
      const observed = observer.observe({ event: event.type, data: JSON.stringify(event) });
      if (!observed.suppress && 'text' in observed) out += observed.text;
    }
    out += observer.end?.() ?? '';
    const outcome = observer.outcome();
    expect(outcome).toMatchObject({ usageSource: 'counted', sawDone: true });
    expect(outcome.usage).toMatchObject({ promptTokens: 6, completionTokens: 4 });
    const usageChunk = chunks(out).find((c) => c['usage'] !== undefined && c['usage'] !== null);
    expect(usageChunk?.['usage']).toMatchObject({ prompt_tokens: 6, completion_tokens: 4, total_tokens: 10 });
  });

  it('tells a /v1/messages client served by a channel that reports no usage the count it is billed at', () => {
    // An OpenAI-compatible server without usage (no include_usage support), translated for the client.
    const chunk = (delta: object, finish: string | null = null) =>
      JSON.stringify({
        id: 'c1',
        object: 'chat.completion.chunk',
        model: 'm',
        choices: [{ index: 0, delta, finish_reason: finish }],
      });
    const observer = messagesClient(adapterFor('openai') as ProviderAdapter).createStreamObserver({
      clientAskedForUsage: true,
      promptTokens: 6,
    });
    let text = '';
    for (const data of [
      chunk({ role: 'assistant', content: '' }),
      chunk({ content: 'one two three four' }),
      chunk({}, 'stop'),
      '[DONE]',
    ]) {
      const observed = observer.observe({ data });
      if (!observed.suppress && 'text' in observed) text += observed.text;
    }
    text += observer.end?.() ?? '';
    expect(observer.outcome()).toMatchObject({
      usageSource: 'counted',
      usage: { promptTokens: 6, completionTokens: 4 },
    });
    const delta = text
      .split('\n\n')
      .filter((frame) => frame.includes('"message_delta"'))
      .map((frame) => JSON.parse(frame.slice(frame.indexOf('data: ') + 6)) as { usage: object });
    expect(delta).toEqual([
      expect.objectContaining({ usage: expect.objectContaining({ output_tokens: 4 }) }),
    ]);
  });

  it('writes the count it bills into an answer whose upstream reported no usage', () => {
    const answer = {
      id: 'msg_3',
      type: 'message',
      role: 'assistant',
      model: 'claude',
      content: [{ type: 'text', text: 'one two three four' }],
      stop_reason: 'end_turn',
    };
    const chat = anthropic.translateResponse?.(answer, 6);
    expect(chat).toMatchObject({ usageSource: 'counted', usage: { promptTokens: 6, completionTokens: 4 } });
    expect(chat?.body['usage']).toMatchObject({ prompt_tokens: 6, completion_tokens: 4, total_tokens: 10 });

    const openAiAnswer = {
      id: 'c2',
      object: 'chat.completion',
      model: 'm',
      choices: [
        { index: 0, message: { role: 'assistant', content: 'one two three four' }, finish_reason: 'stop' },
      ],
    };
    const messages = messagesClient(adapterFor('openai') as ProviderAdapter).translateResponse?.(
      openAiAnswer,
      6,
    );
    expect(messages?.body['usage']).toMatchObject({ input_tokens: 6, output_tokens: 4 });
  });

  it('bills a Gemini stream that ends in an error at what it relayed, not its prompt-only counts', () => {
    const observer = gemini.createStreamObserver({ clientAskedForUsage: false, promptTokens: 1 });
    replay(observer, fixture('gemini', 'stream-error.sse'));
    expect(observer.outcome()).toMatchObject({
      usageSource: 'counted',
      usage: { promptTokens: 5, completionTokens: 2 },
    });
  });

  it('counts the tokens itself when the upstream reports none', () => {
    const observer = gemini.createStreamObserver({ clientAskedForUsage: false, promptTokens: 5 });
    observer.observe({
      data: JSON.stringify({ candidates: [{ content: { parts: [{ text: 'one two three' }] } }] }),
    });
    expect(observer.outcome()).toMatchObject({
      usageSource: 'counted',
      usage: { promptTokens: 5, completionTokens: 3 },
      sawDone: false,
    });
  });
});

describe('Azure OpenAI channels', () => {
  it('pass the chat body through to the deployment, the key in api-key, the version from settings', () => {
    const prepared = azure.prepareRequest(
      input(
        { stream: true, logprobs: true },
        {
          baseUrl: 'https://r.openai.azure.com/',
          upstreamModel: 'gpt-4o dep',
          settings: { apiVersion: '2025-01-01-preview' },
        },
      ),
    );
    expect(prepared.url).toBe(
      'https://r.openai.azure.com/openai/deployments/gpt-4o%20dep/chat/completions?api-version=2025-01-01-preview',
    );
    expect(prepared.headers['api-key']).toBe('sk-ant-secret-key-0001');
    expect(prepared.headers['authorization']).toBeUndefined();
    expect(prepared.body).not.toHaveProperty('model');
    // Pass-through: OpenAI fields the canonical model has no place for survive.
    expect(prepared.body).toMatchObject({ logprobs: true, stream_options: { include_usage: true } });
    expect(azure.translateResponse).toBeUndefined();
  });

  it('default to the GA api-version', () => {
    expect(azure.prepareRequest(input({}, { baseUrl: 'https://r' })).url).toContain('api-version=2024-10-21');
  });
});
