import { RequestValidationError } from '../validation/request-validation-error';
import {
  applyModelMapping,
  parseChatCompletionRequest,
  parseCompletionRequest,
  parseEmbeddingRequest,
  withUsageRequested,
} from './request';

const valid = () => ({
  model: 'gpt-4o-mini',
  messages: [
    { role: 'system', content: 'Be brief.' },
    {
      role: 'user',
      content: [
        { type: 'text', text: 'What is this?' },
        { type: 'image_url', image_url: { url: 'https://x/y.png' } },
      ],
    },
    {
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }],
    },
    { role: 'tool', tool_call_id: 'c1', content: 'result' },
  ],
});

/** The RequestValidationError a parse throws, or fails the test when it throws something else or nothing. */
function rejection(parse: () => unknown): { param: string | null; message: string } {
  try {
    parse();
  } catch (error) {
    expect(error).toBeInstanceOf(RequestValidationError);
    const { param, message } = error as RequestValidationError;
    return { param, message };
  }
  throw new Error('expected a RequestValidationError, nothing was thrown');
}

describe('parseChatCompletionRequest', () => {
  it('accepts a valid body and returns it as sent, unknown vendor fields included', () => {
    const body = {
      ...valid(),
      stream: true,
      top_k: 40,
      repetition_penalty: 1.1,
      extra_body: { safe_mode: true },
    };
    const request = parseChatCompletionRequest(body);
    expect(request).toEqual({ endpoint: 'chat.completions', model: 'gpt-4o-mini', stream: true, body });
    expect(request.body).toBe(body);
  });

  it('treats null optional parameters as unset', () => {
    const request = parseChatCompletionRequest({
      ...valid(),
      stream: null,
      n: null,
      max_tokens: null,
      stream_options: null,
      tools: null,
      tool_choice: null,
      response_format: null,
    });
    expect(request.stream).toBe(false);
  });

  it.each([
    ['a body that is not an object', [], null, 'must be a JSON object'],
    ['a missing model', { messages: valid().messages }, 'model', "Missing required parameter: 'model'."],
    ['an empty model', { ...valid(), model: '' }, 'model', 'empty string'],
    [
      'a model that is not a string',
      { ...valid(), model: 4 },
      'model',
      'expected a string, but got an integer',
    ],
    ['a model name too long to be one', { ...valid(), model: 'm'.repeat(300) }, 'model', 'string too long'],
    ['missing messages', { model: 'm' }, 'messages', 'Missing required parameter'],
    ['empty messages', { model: 'm', messages: [] }, 'messages', 'empty array'],
    ['messages that are not an array', { model: 'm', messages: 'hi' }, 'messages', 'expected an array'],
    [
      'a message that is not an object',
      { model: 'm', messages: ['hi'] },
      'messages[0]',
      'expected an object',
    ],
  ])('rejects %s', (_what, body, param, message) => {
    const error = rejection(() => parseChatCompletionRequest(body));
    expect(error.param).toBe(param);
    expect(error.message).toContain(message);
  });

  const withMessage = (message: unknown) => ({
    model: 'm',
    messages: [{ role: 'user', content: 'hi' }, { role: 'user', content: 'ok' }, message],
  });

  it.each([
    ['a missing role', { content: 'x' }, 'messages[2].role'],
    ['an unknown role', { role: 'bot', content: 'x' }, 'messages[2].role'],
    ['a missing content', { role: 'user' }, 'messages[2].content'],
    ['null content for a user', { role: 'user', content: null }, 'messages[2].content'],
    [
      'null content for an assistant without tool calls',
      { role: 'assistant', content: null },
      'messages[2].content',
    ],
    ['numeric content', { role: 'user', content: 5 }, 'messages[2].content'],
    ['empty content parts', { role: 'user', content: [] }, 'messages[2].content'],
    ['a part without type', { role: 'user', content: [{ text: 'x' }] }, 'messages[2].content[0].type'],
    [
      'a text part without text',
      { role: 'user', content: [{ type: 'text' }] },
      'messages[2].content[0].text',
    ],
    [
      'an image part without url',
      {
        role: 'user',
        content: [
          { type: 'text', text: 'a' },
          { type: 'image_url', image_url: {} },
        ],
      },
      'messages[2].content[1].image_url.url',
    ],
    ['a tool message without tool_call_id', { role: 'tool', content: 'x' }, 'messages[2].tool_call_id'],
    ['a non-string name', { role: 'user', content: 'x', name: 3 }, 'messages[2].name'],
    ['tool calls that are not an array', { role: 'assistant', tool_calls: {} }, 'messages[2].tool_calls'],
    [
      'a tool call without arguments',
      { role: 'assistant', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f' } }] },
      'messages[2].tool_calls[0].function.arguments',
    ],
  ])('names the field for %s', (_what, message, param) => {
    expect(rejection(() => parseChatCompletionRequest(withMessage(message))).param).toBe(param);
  });

  it('accepts content parts of types it does not know, as vendors define their own', () => {
    const body = withMessage({ role: 'user', content: [{ type: 'video_url', video_url: { url: 'v' } }] });
    expect(() => parseChatCompletionRequest(body)).not.toThrow();
  });

  it.each([
    ['stream', 'yes', 'stream'],
    ['n', 0, 'n'],
    ['n', 129, 'n'],
    ['n', 1.5, 'n'],
    ['max_tokens', 0, 'max_tokens'],
    ['max_tokens', '100', 'max_tokens'],
    ['max_completion_tokens', -1, 'max_completion_tokens'],
    // More than the hold and the rate counters can hold (max × n stays far below 2^53).
    ['max_tokens', 1_000_001, 'max_tokens'],
    ['max_tokens', 1e21, 'max_tokens'],
    ['max_completion_tokens', 2 ** 53, 'max_completion_tokens'],
    ['stream_options', 'on', 'stream_options'],
    ['tools', {}, 'tools'],
    ['tools', [{ type: 'function' }], 'tools[0].function'],
    ['tools', [{ type: 'function', function: { name: '' } }], 'tools[0].function.name'],
    [
      'tools',
      [{ type: 'function', function: { name: 'f', parameters: 'x' } }],
      'tools[0].function.parameters',
    ],
    ['tool_choice', 'sometimes', 'tool_choice'],
    ['tool_choice', { type: 'function', function: {} }, 'tool_choice.function.name'],
    ['tool_choice', 7, 'tool_choice'],
    ['response_format', 'json', 'response_format'],
    ['response_format', { type: 'json_schema' }, 'response_format.json_schema'],
    [
      'response_format',
      { type: 'json_schema', json_schema: { schema: {} } },
      'response_format.json_schema.name',
    ],
  ])('rejects %s = %j naming %s', (field, value, param) => {
    const body = { ...valid(), stream: true, [field]: value };
    expect(rejection(() => parseChatCompletionRequest(body)).param).toBe(param);
  });

  it('checks stream_options.include_usage, and allows stream_options only on streams', () => {
    const bad = { ...valid(), stream: true, stream_options: { include_usage: 'yes' } };
    expect(rejection(() => parseChatCompletionRequest(bad)).param).toBe('stream_options.include_usage');
    const notStreaming = { ...valid(), stream_options: { include_usage: true } };
    expect(rejection(() => parseChatCompletionRequest(notStreaming)).param).toBe('stream_options');
  });

  it('accepts every tool_choice and response_format shape OpenAI defines', () => {
    for (const tool_choice of ['none', 'auto', 'required', { type: 'function', function: { name: 'f' } }]) {
      expect(() => parseChatCompletionRequest({ ...valid(), tool_choice })).not.toThrow();
    }
    for (const response_format of [
      { type: 'text' },
      { type: 'json_object' },
      { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'object' }, strict: true } },
    ]) {
      expect(() => parseChatCompletionRequest({ ...valid(), response_format })).not.toThrow();
    }
  });

  it('answers any malformed value in any field with a RequestValidationError, never a TypeError', () => {
    const oddValues = [
      null,
      undefined,
      true,
      0,
      -1,
      1.5,
      'x',
      '',
      [],
      [null],
      {},
      { type: 1 },
      [{}],
      [[]],
      NaN,
    ];
    const body = { ...valid(), stream: true, stream_options: { include_usage: true }, n: 2, tools: [] };
    const paths: (string | number)[][] = [
      ['model'],
      ['messages'],
      ['messages', 1],
      ['messages', 1, 'role'],
      ['messages', 1, 'content'],
      ['messages', 1, 'content', 0],
      ['messages', 1, 'content', 1, 'image_url'],
      ['messages', 2, 'tool_calls'],
      ['messages', 2, 'tool_calls', 0],
      ['messages', 2, 'tool_calls', 0, 'function'],
      ['stream'],
      ['n'],
      ['stream_options'],
      ['max_tokens'],
      ['tools'],
      ['tool_choice'],
      ['response_format'],
    ];
    for (const path of paths) {
      for (const odd of oddValues) {
        const copy = structuredClone(body) as Record<string | number, unknown>;
        let target = copy;
        for (const key of path.slice(0, -1)) target = target[key] as Record<string | number, unknown>;
        target[path[path.length - 1]] = odd;
        try {
          parseChatCompletionRequest(copy);
        } catch (error) {
          expect(error).toBeInstanceOf(RequestValidationError);
        }
      }
    }
  });
});

describe('parseCompletionRequest', () => {
  it('accepts text, texts and token-id prompts, and max_tokens 0 for echo scoring', () => {
    for (const prompt of ['hi', ['a', 'b'], [1, 2], [[1], [2, 3]]]) {
      expect(parseCompletionRequest({ model: 'm', prompt, max_tokens: 0, echo: true }).body.prompt).toEqual(
        prompt,
      );
    }
  });

  it.each([
    [{ model: 'm' }, 'prompt'],
    [{ model: 'm', prompt: '' }, 'prompt'],
    [{ model: 'm', prompt: [] }, 'prompt'],
    [{ model: 'm', prompt: ['a', 2] }, 'prompt[1]'],
    [{ model: 'm', prompt: [[1], [-1]] }, 'prompt[1][0]'],
    [{ model: 'm', prompt: 'x', max_tokens: -1 }, 'max_tokens'],
    [{ model: 'm', prompt: 'x', max_tokens: 1_000_001 }, 'max_tokens'],
    [{ model: 'm', prompt: 'x', stream: 1 }, 'stream'],
    // best_of answers are generated and billed: fewer than n, or more than OpenAI's 128, is refused.
    [{ model: 'm', prompt: 'x', n: 3, best_of: 2 }, 'best_of'],
    [{ model: 'm', prompt: 'x', best_of: 129 }, 'best_of'],
    [{ model: 'm', prompt: 'x', best_of: '2' }, 'best_of'],
  ])('rejects %j naming %s', (body, param) => {
    expect(rejection(() => parseCompletionRequest(body)).param).toBe(param);
  });
});

describe('parseEmbeddingRequest', () => {
  it('accepts input in all four shapes and keeps vendor fields', () => {
    const request = parseEmbeddingRequest({ model: 'e', input: ['a', 'b'], dimensions: 8, user: 'u' });
    expect(request).toMatchObject({ endpoint: 'embeddings', model: 'e', stream: false, body: { user: 'u' } });
  });

  it.each([
    [{ model: 'e' }, 'input'],
    [{ model: 'e', input: '' }, 'input'],
    [{ model: 'e', input: {} }, 'input'],
    [{ model: 'e', input: 'x', encoding_format: 'hex' }, 'encoding_format'],
    [{ model: 'e', input: 'x', dimensions: 0 }, 'dimensions'],
  ])('rejects %j naming %s', (body, param) => {
    expect(rejection(() => parseEmbeddingRequest(body)).param).toBe(param);
  });
});

describe('withUsageRequested', () => {
  it('asks a stream for usage, keeping the other stream options, without touching the client body', () => {
    const body = { model: 'm', messages: [], stream: true, stream_options: { include_obfuscation: false } };
    const result = withUsageRequested(body);
    expect(result).toEqual({
      body: { ...body, stream_options: { include_obfuscation: false, include_usage: true } },
      clientAskedForUsage: false,
    });
    expect(body.stream_options).toEqual({ include_obfuscation: false });
  });

  it('reports a client that asked itself, and leaves its body as is', () => {
    const body = { model: 'm', stream: true, stream_options: { include_usage: true } };
    expect(withUsageRequested(body)).toEqual({ body, clientAskedForUsage: true });
  });

  it('treats include_usage false or null stream_options as not asked', () => {
    expect(
      withUsageRequested({ model: 'm', stream: true, stream_options: { include_usage: false } }),
    ).toEqual({
      body: { model: 'm', stream: true, stream_options: { include_usage: true } },
      clientAskedForUsage: false,
    });
    expect(
      withUsageRequested({ model: 'm', stream: true, stream_options: null }).body.stream_options,
    ).toEqual({
      include_usage: true,
    });
  });

  it('leaves a non-stream body alone (usage comes with the response)', () => {
    const body = { model: 'm', stream: false };
    expect(withUsageRequested(body)).toEqual({ body, clientAskedForUsage: false });
  });
});

describe('applyModelMapping', () => {
  it('returns a copy with the upstream model, every other field kept', () => {
    const body = { model: 'alias', messages: [], temperature: 0.2 };
    expect(applyModelMapping(body, 'gpt-4o-2024-08-06')).toEqual({ ...body, model: 'gpt-4o-2024-08-06' });
    expect(body.model).toBe('alias');
  });
});
