import type { CanonicalRequest, UpstreamTarget } from '../canonical/canonical-model';
import { RequestValidationError } from '../validation/request-validation-error';
import { buildAnthropicRequest, parseAnthropicRequest } from './request';
import { withoutForeignThinking } from './thinking-signature';

/** The RequestValidationError a call throws, or fails the test when it throws something else or nothing. */
function rejection(call: () => unknown): { param: string | null; message: string } {
  try {
    call();
  } catch (error) {
    expect(error).toBeInstanceOf(RequestValidationError);
    const { param, message } = error as RequestValidationError;
    return { param, message };
  }
  throw new Error('expected a RequestValidationError, nothing was thrown');
}

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

/** A Claude Code-like turn: system blocks, images, a tool round trip with thinking, tools, options. */
const body = () => ({
  model: 'claude-sonnet-4-5',
  max_tokens: 4096,
  system: [
    { type: 'text', text: 'You are a weather bot.' },
    { type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } },
  ],
  messages: [
    {
      role: 'user',
      content: [
        { type: 'text', text: 'Weather here?' },
        { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } },
        { type: 'image', source: { type: 'url', url: 'https://example.com/sky.jpg' } },
      ],
    },
    {
      role: 'assistant',
      content: [
        { type: 'thinking', thinking: 'Need the tool.', signature: 'sig-abc' },
        { type: 'redacted_thinking', data: 'opaque-data' },
        { type: 'text', text: 'Let me check.' },
        { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
      ],
    },
    {
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: 'toolu_1', content: '18°C', is_error: false },
        { type: 'text', text: 'And tomorrow?' },
      ],
    },
  ],
  tools: [
    {
      name: 'get_weather',
      description: 'Weather for a city',
      input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    },
  ],
  // Anthropic refuses a choice that forces tool use with thinking on.
  tool_choice: { type: 'auto', disable_parallel_tool_use: true },
  thinking: { type: 'enabled', budget_tokens: 2048 },
  stop_sequences: ['END'],
  top_p: 0.97,
  metadata: { user_id: 'user-42' },
  stream: true,
});

const canonical = (): CanonicalRequest => ({
  model: 'claude-sonnet-4-5',
  system: [
    { type: 'text', text: 'You are a weather bot.' },
    { type: 'text', text: 'Be brief.' },
  ],
  messages: [
    {
      role: 'user',
      content: [
        { type: 'text', text: 'Weather here?' },
        { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: PNG } },
        { type: 'image', source: { kind: 'url', url: 'https://example.com/sky.jpg' } },
      ],
    },
    {
      role: 'assistant',
      content: [
        { type: 'thinking', text: 'Need the tool.', signature: 'sig-abc', signedBy: 'anthropic' },
        { type: 'thinking', text: '', redacted: 'opaque-data' },
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
          content: [{ type: 'text', text: '18°C' }],
          isError: false,
        },
      ],
    },
    { role: 'user', content: [{ type: 'text', text: 'And tomorrow?' }] },
  ],
  tools: [
    {
      name: 'get_weather',
      description: 'Weather for a city',
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    },
  ],
  toolChoice: 'auto',
  parallelToolCalls: false,
  maxOutputTokens: 4096,
  temperature: null,
  topP: 0.97,
  topK: null,
  stop: ['END'],
  seed: null,
  responseFormat: null,
  reasoning: { budgetTokens: 2048, includeThoughts: true },
  stream: true,
  user: 'user-42',
});

const target: UpstreamTarget = {
  baseUrl: 'https://api.anthropic.com/',
  apiKey: 'sk-ant-secret',
  upstreamModel: 'claude-sonnet-4-5-20250929',
  settings: {},
};

describe('parseAnthropicRequest', () => {
  it('reads system blocks, images, thinking, a tool round trip, tools, choice and options', () => {
    expect(parseAnthropicRequest(body())).toEqual(canonical());
  });

  it('reads a string system and string content, and the other tool choices', () => {
    const parsed = parseAnthropicRequest({
      model: 'm',
      max_tokens: 10,
      system: 'Be brief.',
      messages: [{ role: 'user', content: 'Hi' }],
      tools: [{ name: 'f', input_schema: { type: 'object' } }],
      tool_choice: { type: 'tool', name: 'f' },
      temperature: 0.2,
      top_k: 5,
    });
    expect(parsed).toMatchObject({
      system: [{ type: 'text', text: 'Be brief.' }],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
      toolChoice: { name: 'f' },
      parallelToolCalls: null,
      temperature: 0.2,
      topK: 5,
      reasoning: null,
      stream: false,
      user: null,
    });
    expect(parseAnthropicRequest({ ...body(), tool_choice: { type: 'none' } }).toolChoice).toBe('none');
    expect(parseAnthropicRequest({ ...body(), tool_choice: { type: 'auto' } })).toMatchObject({
      toolChoice: 'auto',
      parallelToolCalls: null,
    });
  });

  it('reads a tool result given as blocks with an image, and one with no content', () => {
    const parsed = parseAnthropicRequest({
      model: 'm',
      max_tokens: 10,
      messages: [
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              tool_use_id: 't1',
              is_error: true,
              content: [
                { type: 'text', text: 'failed' },
                { type: 'image', source: { type: 'url', url: 'https://x/y.png' } },
              ],
            },
            { type: 'tool_result', tool_use_id: 't2' },
          ],
        },
      ],
    });
    expect(parsed.messages).toEqual([
      {
        role: 'tool',
        content: [
          {
            type: 'tool_result',
            toolCallId: 't1',
            isError: true,
            content: [
              { type: 'text', text: 'failed' },
              { type: 'image', source: { kind: 'url', url: 'https://x/y.png' } },
            ],
          },
          { type: 'tool_result', toolCallId: 't2', content: [] },
        ],
      },
    ]);
  });

  it('reads adaptive thinking with output_config effort, and structured output', () => {
    const parsed = parseAnthropicRequest({
      ...body(),
      thinking: { type: 'adaptive' },
      output_config: { effort: 'max', format: { type: 'json_schema', schema: { type: 'object' } } },
    });
    expect(parsed.reasoning).toEqual({ effort: 'high', includeThoughts: true });
    expect(parsed.responseFormat).toEqual({
      type: 'json_schema',
      name: 'response',
      schema: { type: 'object' },
    });
    expect(parseAnthropicRequest({ ...body(), thinking: { type: 'disabled' } }).reasoning).toBeNull();
  });

  it.each([
    [{ ...body(), max_tokens: undefined }, 'max_tokens'],
    // Above the gateway's ceiling: a hold that large is not one the balance mirror can place.
    [{ ...body(), max_tokens: 10_000_000_000 }, 'max_tokens'],
    [{ ...body(), model: 3 }, 'model'],
    [{ ...body(), messages: [{ role: 'system', content: 'x' }] }, 'messages[0].role'],
    [
      {
        ...body(),
        messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'file', file_id: 'f' } }] }],
      },
      'messages[0].content[0].source.type',
    ],
    [
      {
        ...body(),
        messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', data: 'x' } }] }],
      },
      'messages[0].content[0].source.media_type',
    ],
    [
      { ...body(), messages: [{ role: 'user', content: [{ type: 'tool_use' }] }] },
      'messages[0].content[0].type',
    ],
    [
      {
        ...body(),
        messages: [{ role: 'assistant', content: [{ type: 'tool_use', id: 'a', name: 'b', input: '{}' }] }],
      },
      'messages[0].content[0].input',
    ],
    [
      {
        ...body(),
        messages: [
          {
            role: 'user',
            content: [{ type: 'tool_result', tool_use_id: 't', content: [{ type: 'document' }] }],
          },
        ],
      },
      'messages[0].content[0].content[0].type',
    ],
    [{ ...body(), thinking: { type: 'enabled', budget_tokens: 100 } }, 'thinking.budget_tokens'],
    [{ ...body(), tool_choice: { type: 'tool' } }, 'tool_choice.name'],
    [{ ...body(), tools: [{ type: 'web_search_20250305', name: 'web_search' }] }, 'tools[0].type'],
    [{ ...body(), tools: [{ name: 'f' }] }, 'tools[0].input_schema'],
    [{ ...body(), temperature: 1.5 }, 'temperature'],
    [{ ...body(), stop_sequences: ['a', 1] }, 'stop_sequences[1]'],
    [{ ...body(), metadata: { user_id: 7 } }, 'metadata.user_id'],
  ])('names the wrong field, case %#', (wrong, param) => {
    expect(rejection(() => parseAnthropicRequest(wrong)).param).toBe(param);
  });
});

describe('buildAnthropicRequest', () => {
  it('builds the call: URL without a doubled /v1, key and version headers, the body in Anthropic shape', () => {
    const call = buildAnthropicRequest(canonical(), target);
    expect(call.method).toBe('POST');
    expect(call.url).toBe('https://api.anthropic.com/v1/messages');
    expect(call.headers).toEqual({
      'x-api-key': 'sk-ant-secret',
      'anthropic-version': '2023-06-01',
      'content-type': 'application/json',
      accept: 'text/event-stream',
    });
    expect(call.url).not.toContain('sk-ant-secret');
    const { cache_control: _dropped, ...secondSystem } = body().system[1]!;
    expect(call.body).toEqual({
      ...body(),
      model: 'claude-sonnet-4-5-20250929',
      system: [body().system[0], secondSystem],
      messages: [
        body().messages[0],
        body().messages[1],
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              tool_use_id: 'toolu_1',
              content: [{ type: 'text', text: '18°C' }],
              is_error: false,
            },
            { type: 'text', text: 'And tomorrow?' },
          ],
        },
      ],
    });
  });

  it('uses settings.anthropicVersion, and keeps a /v1 the operator put in the base URL', () => {
    const call = buildAnthropicRequest(
      { ...canonical(), stream: false },
      {
        ...target,
        baseUrl: 'https://proxy.example/anthropic/v1',
        settings: { anthropicVersion: '2024-01-01' },
      },
    );
    expect(call.url).toBe('https://proxy.example/anthropic/v1/messages');
    expect(call.headers['anthropic-version']).toBe('2024-01-01');
    expect(call.headers['accept']).toBe('application/json');
    expect(call.body['stream']).toBeUndefined();
  });

  it('throws without maxOutputTokens: Anthropic requires max_tokens and the relay sets it from its hold', () => {
    expect(() => buildAnthropicRequest({ ...canonical(), maxOutputTokens: null }, target)).toThrow(
      /max_tokens/,
    );
  });

  it('turns a data: URL into a base64 source and drops unsigned reasoning it cannot replay', () => {
    const call = buildAnthropicRequest(
      {
        ...canonical(),
        messages: [
          {
            role: 'user',
            content: [{ type: 'image', source: { kind: 'url', url: `data:image/png;base64,${PNG}` } }],
          },
          {
            role: 'assistant',
            content: [
              { type: 'thinking', text: 'a Gemini thought' },
              { type: 'text', text: 'ok' },
            ],
          },
        ],
      },
      target,
    );
    expect(call.body['messages']).toEqual([
      {
        role: 'user',
        content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } }],
      },
      { role: 'assistant', content: [{ type: 'text', text: 'ok' }] },
    ]);
  });

  it('maps tool choice, parallel calls, sampling, response format and an effort to a budget', () => {
    const base = { ...canonical(), reasoning: null, topP: null };
    const build = (fields: Partial<CanonicalRequest>) =>
      buildAnthropicRequest({ ...base, ...fields }, target).body;
    expect(build({ toolChoice: 'auto', parallelToolCalls: null })['tool_choice']).toEqual({ type: 'auto' });
    expect(build({ toolChoice: 'required' })['tool_choice']).toEqual({
      type: 'any',
      disable_parallel_tool_use: true,
    });
    expect(build({ toolChoice: 'none' })['tool_choice']).toEqual({ type: 'none' });
    expect(build({ toolChoice: { name: 'get_weather' }, parallelToolCalls: true })['tool_choice']).toEqual({
      type: 'tool',
      name: 'get_weather',
    });
    expect(build({ toolChoice: null, parallelToolCalls: false })['tool_choice']).toEqual({
      type: 'auto',
      disable_parallel_tool_use: true,
    });
    expect(build({ tools: [], toolChoice: 'required' })['tool_choice']).toBeUndefined();
    expect(build({ temperature: 1.7, topK: 40, topP: 0.5 })).toMatchObject({
      temperature: 1,
      top_k: 40,
      top_p: 0.5,
    });
    expect(
      build({ responseFormat: { type: 'json_schema', name: 'x', schema: { type: 'object' } } })[
        'output_config'
      ],
    ).toEqual({ format: { type: 'json_schema', schema: { type: 'object' } } });
    expect(build({ responseFormat: { type: 'json_object' } })['output_config']).toBeUndefined();
    expect(build({ user: null })['metadata']).toBeUndefined();

    // Thinking: an effort becomes a budget below max_tokens; sampling Anthropic refuses with it goes.
    const thinking = build({
      reasoning: { effort: 'high' },
      maxOutputTokens: 10000,
      temperature: 0.3,
      topK: 5,
      topP: 0.5,
    });
    expect(thinking['thinking']).toEqual({ type: 'enabled', budget_tokens: 9999 });
    expect(thinking).not.toHaveProperty('temperature');
    expect(thinking).not.toHaveProperty('top_k');
    expect(thinking).not.toHaveProperty('top_p');
    expect(build({ reasoning: { effort: 'low' }, maxOutputTokens: 1000 })['thinking']).toBeUndefined();
  });

  it('sends Anthropic only the thinking it signed: not Gemini’s, not unsigned reasoning', () => {
    const withThoughts: CanonicalRequest = {
      ...canonical(),
      messages: [
        {
          role: 'assistant',
          content: [
            { type: 'thinking', text: 'from gemini', signature: 'c2ln', signedBy: 'gemini' },
            { type: 'thinking', text: 'from deepseek' },
            { type: 'thinking', text: 'mine', signature: 'RXFRQkNn', signedBy: 'anthropic' },
            { type: 'text', text: 'answer' },
          ],
        },
      ],
    };
    expect(buildAnthropicRequest(withThoughts, target).body['messages']).toEqual([
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: 'mine', signature: 'RXFRQkNn' },
          { type: 'text', text: 'answer' },
        ],
      },
    ]);
    // What the gateway gave an Anthropic client for Gemini's thoughts comes back marked, and stays out.
    const replayed = parseAnthropicRequest({
      model: 'm',
      max_tokens: 10,
      messages: [
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'from gemini', signature: 'llm-gateway:gemini:c2ln' },
            { type: 'thinking', thinking: 'old gateway', signature: '' },
            { type: 'text', text: 'answer' },
          ],
        },
      ],
    });
    expect(replayed.messages[0]?.content).toEqual([
      { type: 'thinking', text: 'from gemini', signature: 'c2ln', signedBy: 'gemini' },
      { type: 'thinking', text: 'old gateway' },
      { type: 'text', text: 'answer' },
    ]);
    expect(buildAnthropicRequest(replayed, target).body['messages']).toEqual([
      { role: 'assistant', content: [{ type: 'text', text: 'answer' }] },
    ]);
  });

  it('asks for no thinking where Anthropic refuses it: a forced tool, a tool cycle without its signed thinking', () => {
    const base: CanonicalRequest = { ...canonical(), reasoning: { effort: 'high' }, maxOutputTokens: 10000 };
    const build = (fields: Partial<CanonicalRequest>) =>
      buildAnthropicRequest({ ...base, ...fields }, target).body;
    // The fixture's cycle starts with the thinking Anthropic signed: thinking stays on.
    expect(build({})['thinking']).toEqual({ type: 'enabled', budget_tokens: 9999 });
    // A choice that forces a tool: Anthropic refuses thinking with it; the choice is the client's, kept.
    expect(build({ toolChoice: 'required' })).toMatchObject({ tool_choice: { type: 'any' } });
    expect(build({ toolChoice: 'required' })).not.toHaveProperty('thinking');
    expect(build({ toolChoice: { name: 'get_weather' } })).not.toHaveProperty('thinking');
    // An OpenAI client's tool cycle: the assistant turn has its tool call and no thinking at all; or
    // only another provider's thinking, which cannot be replayed. Sampling comes back with thinking off.
    const [ask, , answer] = canonical().messages;
    const cycle = (thoughts: CanonicalRequest['messages'][number]['content']) => ({
      temperature: 0.3,
      messages: [
        ask!,
        {
          role: 'assistant' as const,
          content: [
            ...thoughts,
            { type: 'tool_call' as const, id: 'toolu_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
          ],
        },
        answer!,
      ],
    });
    const unsigned = build(cycle([]));
    expect(unsigned).not.toHaveProperty('thinking');
    expect(unsigned['temperature']).toBe(0.3);
    expect(
      build(cycle([{ type: 'thinking', text: 'g', signature: 'c2ln', signedBy: 'gemini' }])),
    ).not.toHaveProperty('thinking');
    expect(
      build(cycle([{ type: 'thinking', text: 'mine', signature: 'RXFRQkNn', signedBy: 'anthropic' }]))[
        'thinking'
      ],
    ).toEqual({ type: 'enabled', budget_tokens: 9999 });
    // Outside a tool cycle nothing needs replaying: a plain next turn keeps thinking on.
    const plain = build({
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'hi' }] },
        { role: 'assistant', content: [{ type: 'text', text: 'hello' }] },
        { role: 'user', content: [{ type: 'text', text: 'weather?' }] },
      ],
    });
    expect(plain['thinking']).toEqual({ type: 'enabled', budget_tokens: 9999 });
  });

  it('a /v1/messages body passed through without foreign thinking leaves thinking off when its tool cycle needed it', () => {
    const passed = (firstBlock: object, thinking: object = { type: 'enabled', budget_tokens: 2048 }) =>
      withoutForeignThinking({
        model: 'm',
        max_tokens: 4096,
        thinking,
        messages: [
          { role: 'user', content: 'weather?' },
          {
            role: 'assistant',
            content: [firstBlock, { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: {} }],
          },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: '18°C' }] },
        ],
      });
    const fromGemini = passed({ type: 'thinking', thinking: 'g', signature: 'llm-gateway:gemini:c2ln' });
    expect(fromGemini).not.toHaveProperty('thinking');
    expect((fromGemini['messages'] as { content: unknown[] }[])[1]!.content).toEqual([
      { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: {} },
    ]);
    expect(
      passed({ type: 'thinking', thinking: 'g', signature: 'llm-gateway:gemini:c2ln' }, { type: 'adaptive' }),
    ).not.toHaveProperty('thinking');
    // Anthropic's own thinking passes as it came, and so does the whole body.
    const own = { type: 'thinking', thinking: 'mine', signature: 'RXFRQkNn' };
    expect(passed(own)['thinking']).toEqual({ type: 'enabled', budget_tokens: 2048 });
  });

  it('leaves out a turn that held only another provider’s thinking (Anthropic refuses an empty turn)', () => {
    const onlyThoughts: CanonicalRequest = {
      ...canonical(),
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'think about it' }] },
        {
          role: 'assistant',
          content: [{ type: 'thinking', text: 'g', signature: 'c2ln', signedBy: 'gemini' }],
        },
        { role: 'user', content: [{ type: 'text', text: 'and?' }] },
      ],
    };
    // The user turns around it are one turn, as Anthropic would read them.
    expect(buildAnthropicRequest(onlyThoughts, target).body['messages']).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'think about it' },
          { type: 'text', text: 'and?' },
        ],
      },
    ]);
    const passed = withoutForeignThinking({
      model: 'm',
      max_tokens: 10,
      messages: [
        { role: 'user', content: 'think about it' },
        {
          role: 'assistant',
          content: [{ type: 'thinking', thinking: 'g', signature: 'llm-gateway:gemini:c2ln' }],
        },
        { role: 'user', content: 'and?' },
      ],
    });
    expect(passed['messages']).toEqual([
      { role: 'user', content: 'think about it' },
      { role: 'user', content: 'and?' },
    ]);
  });

  it('names a tool call whose arguments are not a JSON object', () => {
    const wrong: CanonicalRequest = {
      ...canonical(),
      messages: [
        { role: 'assistant', content: [{ type: 'tool_call', id: 'c', name: 'f', arguments: '[1]' }] },
      ],
    };
    expect(rejection(() => buildAnthropicRequest(wrong, target)).param).toBe(
      'messages[0].content[0].arguments',
    );
  });

  it('round-trips: parse then build gives the client body back (less cache_control)', () => {
    const rebuilt = buildAnthropicRequest(parseAnthropicRequest(body()), {
      ...target,
      upstreamModel: 'claude-sonnet-4-5',
    });
    expect(parseAnthropicRequest(rebuilt.body)).toEqual(canonical());
  });
});
