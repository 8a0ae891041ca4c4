import OpenAI from 'openai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type {
  CanonicalRequest,
  CanonicalResponse,
  CanonicalStreamEvent,
  UpstreamTarget,
} from '../canonical/canonical-model';
import { SseDecoder } from '../sse/sse-decoder';
import { RequestValidationError } from '../validation/request-validation-error';
import { canonicalFinishReason, chatFinishReason, UpstreamFormatError } from './chat-canonical-response';
import { openAiChatCodec as codec } from './chat-codec';

const TARGET: UpstreamTarget = {
  baseUrl: 'https://api.example.com/v1/',
  apiKey: 'sk-test',
  upstreamModel: 'gpt-4o-2024-11-20',
  settings: {},
};
const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

function canonical(fields: Partial<CanonicalRequest>): CanonicalRequest {
  return {
    model: 'gpt-4o',
    system: [],
    messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
    tools: [],
    toolChoice: null,
    parallelToolCalls: null,
    maxOutputTokens: null,
    temperature: null,
    topP: null,
    topK: null,
    stop: [],
    seed: null,
    responseFormat: null,
    reasoning: null,
    stream: false,
    user: null,
    ...fields,
  };
}

const weather = {
  name: 'get_weather',
  description: 'Weather of a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

describe('OpenAI chat codec: requests from clients', () => {
  it('reads every field the canonical model carries', () => {
    const parsed = codec.parseRequest({
      model: 'gpt-4o',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'developer', content: [{ type: 'text', text: 'Answer in French.' }] },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: 'https://example.com/a.png', detail: 'low' } },
            { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } },
          ],
        },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'call_1',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
            },
            {
              id: 'call_2',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Lyon"}' },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
        { role: 'tool', tool_call_id: 'call_2', content: [{ type: 'text', text: 'rain' }] },
        { role: 'assistant', content: 'Sunny in Paris, rain in Lyon.' },
      ],
      tools: [{ type: 'function', function: { ...weather, strict: true } }],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      parallel_tool_calls: false,
      max_completion_tokens: 500,
      max_tokens: 100,
      temperature: 0.2,
      top_p: 0.9,
      stop: 'END',
      seed: 7,
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'answer', schema: { type: 'object' }, strict: true },
      },
      reasoning_effort: 'low',
      user: 'user-42',
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(parsed).toEqual<CanonicalRequest>({
      model: 'gpt-4o',
      system: [
        { type: 'text', text: 'Be brief.' },
        { type: 'text', text: 'Answer in French.' },
      ],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image', source: { kind: 'url', url: 'https://example.com/a.png' }, detail: 'low' },
            { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: PNG } },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
            { type: 'tool_call', id: 'call_2', name: 'get_weather', arguments: '{"city":"Lyon"}' },
          ],
        },
        {
          role: 'tool',
          content: [
            {
              type: 'tool_result',
              toolCallId: 'call_1',
              name: 'get_weather',
              content: [{ type: 'text', text: 'sunny' }],
            },
            {
              type: 'tool_result',
              toolCallId: 'call_2',
              name: 'get_weather',
              content: [{ type: 'text', text: 'rain' }],
            },
          ],
        },
        { role: 'assistant', content: [{ type: 'text', text: 'Sunny in Paris, rain in Lyon.' }] },
      ],
      tools: [{ ...weather, strict: true }],
      toolChoice: { name: 'get_weather' },
      parallelToolCalls: false,
      maxOutputTokens: 500,
      temperature: 0.2,
      topP: 0.9,
      topK: null,
      stop: ['END'],
      seed: 7,
      responseFormat: { type: 'json_schema', name: 'answer', schema: { type: 'object' }, strict: true },
      reasoning: { effort: 'low' },
      stream: true,
      includeUsage: true,
      user: 'user-42',
    });
  });

  it('reads the legacy functions, function_call and function role, and max_tokens alone', () => {
    const parsed = codec.parseRequest({
      model: 'gpt-3.5-turbo',
      messages: [
        { role: 'user', content: 'Weather?' },
        { role: 'assistant', content: null, function_call: { name: 'get_weather', arguments: '{}' } },
        { role: 'function', name: 'get_weather', content: 'sunny' },
      ],
      functions: [{ name: 'get_weather' }],
      function_call: 'auto',
      max_tokens: 64,
      stop: ['a', 'b'],
      reasoning_effort: 'none',
    });
    expect(parsed.messages.slice(1)).toEqual([
      {
        role: 'assistant',
        content: [{ type: 'tool_call', id: 'call_fn_1', name: 'get_weather', arguments: '{}' }],
      },
      {
        role: 'tool',
        content: [
          {
            type: 'tool_result',
            toolCallId: 'call_fn_1',
            name: 'get_weather',
            content: [{ type: 'text', text: 'sunny' }],
          },
        ],
      },
    ]);
    expect(parsed.tools).toEqual([{ name: 'get_weather', parameters: { type: 'object', properties: {} } }]);
    expect(parsed).toMatchObject({
      toolChoice: 'auto',
      maxOutputTokens: 64,
      stop: ['a', 'b'],
      reasoning: null,
      stream: false,
      includeUsage: false,
    });
  });

  it('lets logprobs: false through: only asking for them is refused', () => {
    const body = { model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }] };
    expect(codec.parseRequest({ ...body, logprobs: false }).messages).toHaveLength(1);
    expect(codec.parseRequest({ ...body, logprobs: false, top_logprobs: 0 }).messages).toHaveLength(1);
  });

  it.each([
    [{ n: 2 }, 'n'],
    // Anthropic has no log probabilities, and Gemini's are not carried by the canonical answer.
    [{ logprobs: true }, 'logprobs'],
    [{ logprobs: true, top_logprobs: 5 }, 'logprobs'],
    [{ top_logprobs: 5 }, 'top_logprobs'],
    [{ logprobs: 'yes' }, 'logprobs'],
    [
      {
        messages: [
          { role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'x', format: 'wav' } }] },
        ],
      },
      'messages[0].content[0].type',
    ],
    [
      {
        messages: [
          { role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/png,abc' } }] },
        ],
      },
      'messages[0].content[0].image_url.url',
    ],
    [
      {
        messages: [
          { role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://x', detail: 'max' } }] },
        ],
      },
      'messages[0].content[0].image_url.detail',
    ],
    [
      { messages: [{ role: 'system', content: [{ type: 'image_url', image_url: { url: 'https://x' } }] }] },
      'messages[0].content[0].type',
    ],
    [{ messages: [{ role: 'user', content: 'x' }, { role: 'user' }] }, 'messages[1].content'],
    [{ tools: [{ type: 'custom', custom: { name: 'x' } }] }, 'tools[0].type'],
    [{ tool_choice: { type: 'allowed_tools', allowed_tools: {} } }, 'tool_choice.type'],
    [{ response_format: { type: 'grammar' } }, 'response_format.type'],
    [{ reasoning_effort: 'huge' }, 'reasoning_effort'],
    [{ stop: ['a', 3] }, 'stop[1]'],
    [{ stop: 3 }, 'stop'],
    [{ seed: 1.5 }, 'seed'],
    [{ temperature: 3 }, 'temperature'],
    [{ top_p: 'high' }, 'top_p'],
    [{ parallel_tool_calls: 'yes' }, 'parallel_tool_calls'],
    [{ user: 5 }, 'user'],
    [{ max_completion_tokens: 0 }, 'max_completion_tokens'],
  ])('refuses %j naming %s', (fields, param) => {
    const body = { model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }], ...fields };
    let error: unknown;
    try {
      codec.parseRequest(body);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(RequestValidationError);
    expect((error as RequestValidationError).param).toBe(param);
  });
});

describe('OpenAI chat codec: requests to upstreams', () => {
  const request = canonical({
    system: [
      { type: 'text', text: 'Be brief.' },
      { type: 'text', text: 'Answer in French.' },
    ],
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is this?' },
          { type: 'image', source: { kind: 'url', url: 'https://example.com/a.png' }, detail: 'high' },
          { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: PNG } },
        ],
      },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', text: 'The user wants weather.', signature: 'sig' },
          { type: 'text', text: 'Let me check.' },
          { type: 'tool_call', id: 'toolu_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
        ],
      },
      {
        role: 'tool',
        content: [
          {
            type: 'tool_result',
            toolCallId: 'toolu_1',
            name: 'get_weather',
            content: [
              { type: 'text', text: 'sunny' },
              { type: 'image', source: { kind: 'url', url: 'https://example.com/sky.png' } },
            ],
            isError: false,
          },
        ],
      },
    ],
    tools: [weather],
    toolChoice: 'required',
    parallelToolCalls: true,
    maxOutputTokens: 256,
    temperature: 0.5,
    topP: 1,
    topK: 40,
    stop: ['END'],
    seed: 3,
    responseFormat: { type: 'json_object' },
    user: 'u1',
    stream: true,
  });

  it('writes the chat body with the channel model, the URL and Bearer key', () => {
    const call = codec.buildRequest(request, TARGET);
    expect(call.url).toBe('https://api.example.com/v1/chat/completions');
    expect(call.headers).toEqual({
      authorization: 'Bearer sk-test',
      'content-type': 'application/json',
      accept: 'text/event-stream',
    });
    expect(call.body).toEqual({
      model: 'gpt-4o-2024-11-20',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'system', content: 'Answer in French.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: 'https://example.com/a.png', detail: 'high' } },
            { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } },
          ],
        },
        {
          role: 'assistant',
          content: 'Let me check.',
          tool_calls: [
            {
              id: 'toolu_1',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'toolu_1', content: 'sunny' },
        { role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/sky.png' } }] },
      ],
      tools: [{ type: 'function', function: weather }],
      tool_choice: 'required',
      parallel_tool_calls: true,
      max_tokens: 256,
      temperature: 0.5,
      top_p: 1,
      stop: ['END'],
      seed: 3,
      response_format: { type: 'json_object' },
      user: 'u1',
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it('always asks a stream for usage, and uses max_completion_tokens for reasoning models', () => {
    const o3 = codec.buildRequest(canonical({ stream: true, maxOutputTokens: 9, includeUsage: false }), {
      ...TARGET,
      upstreamModel: 'o3-mini',
    });
    expect(o3.body).toMatchObject({ stream_options: { include_usage: true }, max_completion_tokens: 9 });
    expect(o3.body).not.toHaveProperty('max_tokens');
    // The channel's setting wins over the name, both ways (an operator-named Azure deployment).
    const named = codec.buildRequest(canonical({ maxOutputTokens: 9 }), {
      ...TARGET,
      upstreamModel: 'prod-reasoning',
      settings: { maxTokensField: 'max_completion_tokens' },
    });
    expect(named.body).toMatchObject({ max_completion_tokens: 9 });
    expect(named.body).not.toHaveProperty('max_tokens');
    const plain = codec.buildRequest(canonical({ maxOutputTokens: 9 }), {
      ...TARGET,
      upstreamModel: 'o3-mini',
      settings: { maxTokensField: 'max_tokens' },
    });
    expect(plain.body).toMatchObject({ max_tokens: 9 });
    expect(plain.body).not.toHaveProperty('max_completion_tokens');
    const effort = codec.buildRequest(
      canonical({ maxOutputTokens: 9, reasoning: { effort: 'high', budgetTokens: 2048 } }),
      TARGET,
    );
    expect(effort.body).toMatchObject({ max_completion_tokens: 9, reasoning_effort: 'high' });
    expect(effort.body).not.toHaveProperty('stream');
    expect(effort.headers['accept']).toBe('application/json');
    const schema = codec.buildRequest(
      canonical({
        responseFormat: { type: 'json_schema', name: 'a', schema: { type: 'object' }, strict: true },
      }),
      TARGET,
    );
    expect(schema.body['response_format']).toEqual({
      type: 'json_schema',
      json_schema: { name: 'a', schema: { type: 'object' }, strict: true },
    });
  });

  it('reads back what it writes (the canonical request survives a round trip)', () => {
    const simple = canonical({
      model: 'gpt-4o-2024-11-20',
      system: [{ type: 'text', text: 'Be brief.' }],
      messages: [
        request.messages[0],
        {
          role: 'assistant',
          content: [{ type: 'tool_call', id: 'call_9', name: 'get_weather', arguments: '{}' }],
        },
        {
          role: 'tool',
          content: [
            {
              type: 'tool_result',
              toolCallId: 'call_9',
              name: 'get_weather',
              content: [{ type: 'text', text: 'ok' }],
            },
          ],
        },
      ],
      tools: [weather],
      toolChoice: { name: 'get_weather' },
      parallelToolCalls: false,
      maxOutputTokens: 10,
      stop: ['x'],
      seed: 1,
      responseFormat: { type: 'json_object' },
      reasoning: { effort: 'medium' },
      user: 'u',
      stream: true,
      includeUsage: true,
    });
    expect(codec.parseRequest(codec.buildRequest(simple, TARGET).body)).toEqual(simple);
  });
});

describe('OpenAI chat codec: answers', () => {
  it('decodes choices[0]: reasoning, text, tool calls, usage with every detail', () => {
    const decoded = codec.decodeResponse({
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 1,
      model: 'o4-mini',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: 'Checking.',
            reasoning_content: 'Think.',
            refusal: null,
            tool_calls: [
              { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"a":1}' } },
            ],
          },
          finish_reason: 'tool_calls',
        },
      ],
      usage: {
        prompt_tokens: 1117,
        completion_tokens: 246,
        total_tokens: 1363,
        prompt_tokens_details: { cached_tokens: 1024, audio_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 192 },
      },
    });
    expect(decoded).toEqual<CanonicalResponse>({
      id: 'chatcmpl-1',
      model: 'o4-mini',
      content: [
        { type: 'thinking', text: 'Think.' },
        { type: 'text', text: 'Checking.' },
        { type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: '{"a":1}' },
      ],
      finishReason: 'tool_calls',
      usage: {
        promptTokens: 1117,
        completionTokens: 246,
        cachedTokens: 1024,
        cacheWriteTokens: 0,
        reasoningTokens: 192,
      },
    });
  });

  it('decodes a refusal, a legacy function_call and a missing usage', () => {
    expect(
      codec.decodeResponse({
        id: 'x',
        model: 'm',
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: null, refusal: 'I cannot.' },
            finish_reason: 'stop',
          },
        ],
      }),
    ).toEqual({
      id: 'x',
      model: 'm',
      content: [{ type: 'text', text: 'I cannot.' }],
      finishReason: 'refusal',
      usage: null,
    });
    expect(
      codec.decodeResponse({
        id: 'y',
        model: 'm',
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: null, function_call: { name: 'f', arguments: '{}' } },
            finish_reason: 'function_call',
          },
        ],
        usage: { prompt_tokens: 5, completion_tokens: 2, prompt_tokens_details: { cache_write_tokens: 3 } },
      }),
    ).toMatchObject({
      content: [{ type: 'tool_call', id: 'call_0', name: 'f', arguments: '{}' }],
      finishReason: 'tool_calls',
      usage: {
        promptTokens: 5,
        completionTokens: 2,
        cachedTokens: 0,
        cacheWriteTokens: 3,
        reasoningTokens: 0,
      },
    });
  });

  it('refuses an answer that is not a chat completion', () => {
    for (const body of [null, {}, { choices: 'no' }, 'text']) {
      expect(() => codec.decodeResponse(body)).toThrow(UpstreamFormatError);
    }
  });

  it('encodes a canonical answer the SDK reads as a ChatCompletion', async () => {
    const body = codec.encodeResponse({
      id: 'msg_1',
      model: 'claude-sonnet-4-5',
      content: [
        { type: 'thinking', text: 'Hmm.', signature: 's' },
        { type: 'text', text: 'Hello' },
        { type: 'tool_call', id: 'toolu_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
      ],
      finishReason: 'tool_calls',
      usage: {
        promptTokens: 30,
        completionTokens: 12,
        cachedTokens: 10,
        cacheWriteTokens: 5,
        reasoningTokens: 4,
      },
    });
    const client = clientAnswering(JSON.stringify(body), 'application/json');
    const completion = await client.chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(completion.choices[0].message).toMatchObject({
      role: 'assistant',
      content: 'Hello',
      reasoning_content: 'Hmm.',
      tool_calls: [
        { id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
      ],
    });
    expect(completion.choices[0].finish_reason).toBe('tool_calls');
    expect(completion.usage).toEqual({
      prompt_tokens: 30,
      completion_tokens: 12,
      total_tokens: 42,
      prompt_tokens_details: { cached_tokens: 10 },
      completion_tokens_details: { reasoning_tokens: 4 },
    });
    expect(
      codec.encodeResponse({ id: 'a', model: 'm', content: [], finishReason: null, usage: null }),
    ).toMatchObject({
      choices: [{ message: { content: '' }, finish_reason: 'stop' }],
    });
  });

  it.each([
    ['stop', 'stop', 'stop'],
    ['length', 'length', 'length'],
    ['tool_calls', 'tool_calls', 'tool_calls'],
    ['function_call', 'tool_calls', 'tool_calls'],
    ['content_filter', 'content_filter', 'content_filter'],
    ['eos', 'stop', 'stop'],
  ])('maps finish reason %s → %s → %s', (wire, canonicalReason, back) => {
    expect(canonicalFinishReason(wire)).toBe(canonicalReason);
    expect(chatFinishReason(canonicalFinishReason(wire))).toBe(back);
  });

  it('writes the reasons chat completions lacks as the nearest it has', () => {
    expect(chatFinishReason('refusal')).toBe('content_filter');
    expect(chatFinishReason('pause')).toBe('stop');
    expect(chatFinishReason('error')).toBe('stop');
    expect(chatFinishReason(null)).toBe('stop');
  });
});

// ---------------------------------------------------------------------------------------------
// Streams

function fixture(path: string): Uint8Array {
  return new Uint8Array(readFileSync(join(__dirname, '..', path)));
}

/** Decodes SSE bytes, cut into the given chunks, into canonical events. */
export function decodeChunks(
  chunks: Uint8Array[],
  decoder = codec.createStreamDecoder(),
): CanonicalStreamEvent[] {
  const sse = new SseDecoder();
  const events: CanonicalStreamEvent[] = [];
  const feed = (batch: { event?: string; data: string }[]) => {
    for (const event of batch) events.push(...decoder.decode(event.event ?? null, event.data));
  };
  for (const chunk of chunks) feed(sse.push(chunk));
  feed(sse.end());
  events.push(...decoder.end());
  return events;
}

function clientAnswering(text: string, contentType = 'text/event-stream'): OpenAI {
  return new OpenAI({
    apiKey: 'sk-test',
    baseURL: 'http://gateway.test/v1',
    maxRetries: 0,
    fetch: async () => new Response(text, { status: 200, headers: { 'content-type': contentType } }),
  });
}

/** Every canonical event's wire text, plus the terminator, as one client stream. */
function encodeAll(events: CanonicalStreamEvent[], request?: CanonicalRequest): string {
  const encoder = codec.createStreamEncoder(request);
  return events.map((event) => encoder.encode(event)).join('') + encoder.finish();
}

const usage = (promptTokens: number, completionTokens: number, cachedTokens = 0, reasoningTokens = 0) => ({
  type: 'usage' as const,
  usage: { promptTokens, completionTokens, cachedTokens, cacheWriteTokens: 0, reasoningTokens },
});

const RECORDED: [file: string, expected: CanonicalStreamEvent[]][] = [
  [
    'openai/__fixtures__/chat-stream-tool-call.sse',
    [
      { type: 'start', id: 'chatcmpl-mock-1', model: 'gpt-4o-mini' },
      { type: 'tool_call_start', index: 0, id: 'call_chatcmpl-mock-1_0', name: 'get_weather' },
      { type: 'tool_call_delta', index: 0, arguments: '{"mock":"alpha bravo charlie' },
      { type: 'tool_call_delta', index: 0, arguments: ' delta echo foxtrot' },
      { type: 'tool_call_delta', index: 0, arguments: ' golf hotel india' },
      { type: 'tool_call_delta', index: 0, arguments: ' juliett kilo lima"}' },
      usage(13, 12),
      { type: 'finish', finishReason: 'tool_calls' },
    ],
  ],
  [
    'openai/__fixtures__/chat-stream-parallel-tools.sse',
    [
      { type: 'start', id: 'chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG', model: 'o4-mini-2025-04-16' },
      { type: 'tool_call_start', index: 0, id: 'call_DdmO9pD3xa9XTPNJ32zg2hcA', name: 'get_weather' },
      ...['{"', 'location', '":"', 'Paris', ', France', '"}'].map((a) => ({
        type: 'tool_call_delta' as const,
        index: 0,
        arguments: a,
      })),
      { type: 'tool_call_start', index: 1, id: 'call_ABCDEFGHIJKLMNOPQRSTUVWX', name: 'get_time' },
      ...['{"tz', '":"Europe/', 'Paris"}'].map((a) => ({
        type: 'tool_call_delta' as const,
        index: 1,
        arguments: a,
      })),
      usage(1117, 246, 1024, 192),
      { type: 'finish', finishReason: 'tool_calls' },
    ],
  ],
  [
    'openai/__fixtures__/chat-stream-error.sse',
    [
      { type: 'start', id: 'chatcmpl-err', model: 'deepseek-reasoner' },
      { type: 'thinking_delta', text: 'Let me think' },
      { type: 'thinking_delta', text: ' about 你好.' },
      { type: 'text_delta', text: 'The answer is' },
      {
        type: 'error',
        message: 'The server had an error while processing your request. Sorry about that!',
        code: 'server_error',
      },
    ],
  ],
  [
    'openai/__fixtures__/chat-stream-dropped.sse',
    [
      { type: 'start', id: 'chatcmpl-mock-1', model: 'gpt-4o-mini' },
      { type: 'text_delta', text: 'alpha bravo charlie' },
    ],
  ],
  [
    'azure-openai/__fixtures__/azure-chat-stream-filtered.sse',
    [
      { type: 'start', id: 'chatcmpl-AzureX1', model: 'gpt-4o-2024-11-20' },
      { type: 'text_delta', text: 'Here is' },
      { type: 'text_delta', text: ' a story' },
      usage(21, 4),
      { type: 'finish', finishReason: 'content_filter' },
    ],
  ],
];

describe.each(RECORDED)('decoding %s', (file, expected) => {
  const bytes = fixture(file);

  it('gives the expected canonical events', () => {
    expect(decodeChunks([bytes])).toEqual(expected);
  });

  it('gives the same events cut at every byte boundary', () => {
    for (let at = 1; at < bytes.length; at++) {
      expect(decodeChunks([bytes.subarray(0, at), bytes.subarray(at)])).toEqual(expected);
    }
  });
});

describe('OpenAI chat stream decoding, awkward servers', () => {
  it('opens a call whose arguments arrive with or before its name, and calls without index', () => {
    const decoder = codec.createStreamDecoder();
    const chunk = (delta: object, finish: string | null = null) =>
      JSON.stringify({ id: 'c', model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] });
    const events = [
      ...decoder.decode(null, chunk({ tool_calls: [{ index: 0, function: { arguments: '{"a"' } }] })),
      ...decoder.decode(
        null,
        chunk({ tool_calls: [{ index: 0, id: 'x', function: { name: 'f', arguments: ':1}' } }] }),
      ),
      ...decoder.decode(null, chunk({ tool_calls: [{ id: 'y', function: { name: 'g', arguments: '{}' } }] })),
      ...decoder.decode(null, chunk({}, 'stop')),
      ...decoder.decode(null, '[DONE]'),
      ...decoder.decode(null, chunk({ content: 'after done' })),
      ...decoder.end(),
    ];
    expect(events).toEqual([
      { type: 'start', id: 'c', model: 'm' },
      { type: 'tool_call_start', index: 0, id: 'x', name: 'f' },
      { type: 'tool_call_delta', index: 0, arguments: '{"a":1}' },
      { type: 'tool_call_start', index: 1, id: 'y', name: 'g' },
      { type: 'tool_call_delta', index: 1, arguments: '{}' },
      { type: 'finish', finishReason: 'stop' },
    ]);
  });

  /** The arguments each call's deltas add up to, decoding `pieces` as [call index, arguments] chunks. */
  function decodedArguments(pieces: Array<[number, string]>, ending = '[DONE]'): string[] {
    const decoder = codec.createStreamDecoder();
    const chunk = (delta: object, finish: string | null = null) =>
      JSON.stringify({ id: 'c', model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] });
    const calls = new Set(pieces.map(([index]) => index));
    const events = [
      ...[...calls].flatMap((index) =>
        decoder.decode(
          null,
          chunk({
            tool_calls: [{ index, id: `call_${index}`, function: { name: `f${index}`, arguments: '' } }],
          }),
        ),
      ),
      ...pieces.flatMap(([index, piece]) =>
        decoder.decode(null, chunk({ tool_calls: [{ index, function: { arguments: piece } }] })),
      ),
      ...decoder.decode(null, chunk({}, 'tool_calls')),
      ...decoder.decode(null, ending),
      ...decoder.end(),
    ];
    expect(events.at(-1)).toEqual({ type: 'finish', finishReason: 'tool_calls' });
    const args: string[] = [];
    for (const event of events)
      if (event.type === 'tool_call_delta') args[event.index] = (args[event.index] ?? '') + event.arguments;
    return args;
  }

  // Some vLLM, llama.cpp and proxy builds send a call's arguments so far in every chunk; appended,
  // they made `{"a{"a":1…`, which no client of another format could parse.
  it('passes on only the new part of arguments an upstream sends cumulatively', () => {
    expect(
      decodedArguments([
        [0, '{"city'],
        [1, '{'],
        [0, '{"city": "Par'],
        [1, '{"tz":'],
        [0, '{"city": "Paris"}'],
        [1, '{"tz": "UTC"}'],
        [0, '{"city": "Paris"}'],
      ]),
    ).toEqual(['{"city": "Paris"}', '{"tz": "UTC"}']);
    // Two pieces only: the second is the whole, when the upstream's last word came at once.
    expect(
      decodedArguments(
        [
          [0, '{"a":'],
          [0, '{"a":1}'],
        ],
        'not json',
      ),
    ).toEqual(['{"a":1}']);
  });

  it('keeps incremental pieces that happen to start with what came before', () => {
    expect(
      decodedArguments([
        [0, '{"a":'],
        [0, '{"a":{"b":1}}'],
        [0, '}'],
      ]),
    ).toEqual(['{"a":{"a":{"b":1}}}']);
    expect(
      decodedArguments([
        [0, '['],
        [0, '['],
        [0, '1]'],
        [0, ']'],
      ]),
    ).toEqual(['[[1]]']);
    expect(
      decodedArguments([
        [0, '{"q":"'],
        [0, 'ab'],
        [0, 'ab'],
        [0, '"}'],
      ]),
    ).toEqual(['{"q":"abab"}']);
    expect(
      decodedArguments([
        [0, '{"'],
        [0, '{":1}'],
      ]),
    ).toEqual(['{"{":1}']);
    // Whole arguments resent after their pieces reach the encoders as sent: they cut what follows
    // the object (JsonObjectEnd).
    expect(
      decodedArguments([
        [0, '{"a"'],
        [0, ':1}'],
        [0, '{"a":1}'],
      ]),
    ).toEqual(['{"a":1}{"a":1}']);
  });

  it('ends with the finish reason when the upstream closed without usage or [DONE]', () => {
    const decoder = codec.createStreamDecoder();
    decoder.decode(
      null,
      JSON.stringify({ id: 'c', model: 'm', choices: [{ index: 0, delta: {}, finish_reason: 'length' }] }),
    );
    expect(decoder.end()).toEqual([{ type: 'finish', finishReason: 'length' }]);
    expect(decoder.end()).toEqual([]);
  });
});

describe('OpenAI chat stream encoding, read by the openai SDK', () => {
  const toolEvents = decodeChunks([fixture('openai/__fixtures__/chat-stream-parallel-tools.sse')]);

  it('reassembles parallel tool calls and usage exactly (ChatCompletionStream.finalChatCompletion)', async () => {
    const text = encodeAll(toolEvents, canonical({ stream: true, includeUsage: true }));
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
    const client = clientAnswering(text);
    const stream = client.chat.completions.stream({
      model: 'o4-mini',
      messages: [{ role: 'user', content: 'x' }],
      stream_options: { include_usage: true },
    });
    const completion = await stream.finalChatCompletion();
    expect(completion.id).toBe('chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG');
    expect(completion.choices[0].finish_reason).toBe('tool_calls');
    expect(completion.choices[0].message.tool_calls).toEqual([
      {
        id: 'call_DdmO9pD3xa9XTPNJ32zg2hcA',
        type: 'function',
        function: { name: 'get_weather', arguments: '{"location":"Paris, France"}' },
      },
      {
        id: 'call_ABCDEFGHIJKLMNOPQRSTUVWX',
        type: 'function',
        function: { name: 'get_time', arguments: '{"tz":"Europe/Paris"}' },
      },
    ]);
    expect(completion.usage).toEqual({
      prompt_tokens: 1117,
      completion_tokens: 246,
      total_tokens: 1363,
      prompt_tokens_details: { cached_tokens: 1024 },
      completion_tokens_details: { reasoning_tokens: 192 },
    });
  });

  it('sends the usage-only chunk only to a client that asked for it', async () => {
    const text = encodeAll(toolEvents, canonical({ stream: true }));
    expect(text).not.toContain('"usage"');
    const chunks = [];
    for await (const chunk of await clientAnswering(text).chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: 'x' }],
      stream: true,
    })) {
      chunks.push(chunk);
    }
    expect(chunks.every((chunk) => chunk.choices.length === 1)).toBe(true);
  });

  it('reassembles text and reasoning of an Anthropic-style event order (usage after finish)', async () => {
    const events: CanonicalStreamEvent[] = [
      { type: 'start', id: 'msg_1', model: 'claude-sonnet-4-5' },
      { type: 'thinking_delta', text: 'Let me ' },
      { type: 'thinking_signature', signature: 'sig' },
      { type: 'text_delta', text: '你好' },
      { type: 'text_delta', text: '🌏 world' },
      { type: 'finish', finishReason: 'stop' },
      usage(10, 5),
    ];
    const text = encodeAll(events, canonical({ stream: true, includeUsage: true }));
    const completion = await clientAnswering(text)
      .chat.completions.stream({ model: 'm', messages: [{ role: 'user', content: 'x' }] })
      .finalChatCompletion();
    expect(completion.choices[0].message.content).toBe('你好🌏 world');
    expect(completion.choices[0].finish_reason).toBe('stop');
    expect(completion.usage?.total_tokens).toBe(15);
  });

  it('ends a broken stream with an error chunk the SDK throws, never [DONE]', async () => {
    const encoder = codec.createStreamEncoder();
    const text =
      encoder.encode({ type: 'start', id: 'c1', model: 'm' }) +
      encoder.encode({ type: 'text_delta', text: 'partial' }) +
      encoder.fail('upstream dropped the stream', 'upstream_stream_error');
    expect(text).not.toContain('[DONE]');
    expect(encoder.finish()).toBe('');
    const seen: string[] = [];
    const read = async () => {
      for await (const chunk of await clientAnswering(text).chat.completions.create({
        model: 'm',
        messages: [{ role: 'user', content: 'x' }],
        stream: true,
      })) {
        seen.push(chunk.choices[0]?.delta.content ?? '');
      }
    };
    await expect(read()).rejects.toMatchObject({
      message: expect.stringContaining('upstream dropped the stream'),
      code: 'upstream_stream_error',
    });
    expect(seen.join('')).toBe('partial');
  });

  it('turns an upstream error event into the error chunk, once', () => {
    const events = decodeChunks([fixture('openai/__fixtures__/chat-stream-error.sse')]);
    const encoder = codec.createStreamEncoder();
    const text = events.map((event) => encoder.encode(event)).join('') + encoder.fail('again', 'x');
    expect(text.match(/"error"/g)).toHaveLength(1);
    expect(text).toContain('"code":"server_error"');
    expect(text).toContain('"reasoning_content":"Let me think"');
    expect(text).not.toContain('[DONE]');
  });
});
