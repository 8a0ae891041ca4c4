import OpenAI from 'openai';
import type { CanonicalRequest, CanonicalStreamEvent } from '../canonical/canonical-model';
import { RequestValidationError } from '../validation/request-validation-error';
import { NotAnUpstreamFormatError, openAiResponsesCodec as codec } from './responses-codec';

const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

function clientAnswering(text: string, contentType = 'text/event-stream'): OpenAI {
  return new OpenAI({
    apiKey: 'sk-test',
    baseURL: 'http://gateway.test/v1',
    maxRetries: 0,
    fetch: async () => new Response(text, { status: 200, headers: { 'content-type': contentType } }),
  });
}

const usage = {
  promptTokens: 300,
  completionTokens: 120,
  cachedTokens: 256,
  cacheWriteTokens: 0,
  reasoningTokens: 64,
};

describe('Responses codec: requests', () => {
  it('reads a stateless request: instructions, input items, function tools, format, reasoning', () => {
    const parsed = codec.parseRequest({
      model: 'gpt-5',
      instructions: 'Be brief.',
      input: [
        { role: 'developer', content: 'Answer in French.' },
        {
          type: 'message',
          role: 'user',
          content: [
            { type: 'input_text', text: 'Weather here?' },
            { type: 'input_image', image_url: `data:image/png;base64,${PNG}`, detail: 'auto' },
            { type: 'input_image', image_url: 'https://example.com/a.png' },
          ],
        },
        { type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: 'opaque' },
        {
          type: 'message',
          role: 'assistant',
          content: [{ type: 'output_text', text: 'Checking.', annotations: [] }],
        },
        {
          type: 'function_call',
          id: 'fc_1',
          call_id: 'call_1',
          name: 'get_weather',
          arguments: '{"city":"Paris"}',
        },
        { type: 'function_call_output', call_id: 'call_1', output: 'sunny' },
      ],
      tools: [
        {
          type: 'function',
          name: 'get_weather',
          description: 'Weather',
          parameters: { type: 'object', properties: { city: { type: 'string' } } },
          strict: true,
        },
      ],
      tool_choice: { type: 'function', name: 'get_weather' },
      parallel_tool_calls: false,
      max_output_tokens: 800,
      temperature: 1,
      top_p: 0.5,
      text: { format: { type: 'json_schema', name: 'w', schema: { type: 'object' }, strict: true } },
      reasoning: { effort: 'low', summary: 'auto' },
      store: false,
      stream: true,
      user: 'u-1',
    });
    expect(parsed).toEqual<CanonicalRequest>({
      model: 'gpt-5',
      system: [
        { type: 'text', text: 'Be brief.' },
        { type: 'text', text: 'Answer in French.' },
      ],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Weather here?' },
            { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: PNG }, detail: 'auto' },
            { type: 'image', source: { kind: 'url', url: 'https://example.com/a.png' } },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Checking.' },
            { type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
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
          ],
        },
      ],
      tools: [
        {
          name: 'get_weather',
          description: 'Weather',
          parameters: { type: 'object', properties: { city: { type: 'string' } } },
          strict: true,
        },
      ],
      toolChoice: { name: 'get_weather' },
      parallelToolCalls: false,
      maxOutputTokens: 800,
      temperature: 1,
      topP: 0.5,
      topK: null,
      stop: [],
      seed: null,
      responseFormat: { type: 'json_schema', name: 'w', schema: { type: 'object' }, strict: true },
      reasoning: { effort: 'low', includeThoughts: true },
      stream: true,
      user: 'u-1',
      // What the response repeats: the client's own settings (the instructions alone, not the
      // developer message), OpenAI's defaults for the rest.
      echo: {
        background: false,
        instructions: 'Be brief.',
        max_output_tokens: 800,
        max_tool_calls: null,
        metadata: {},
        parallel_tool_calls: false,
        previous_response_id: null,
        prompt_cache_key: null,
        reasoning: { effort: 'low', summary: 'auto' },
        safety_identifier: null,
        store: false,
        temperature: 1,
        text: {
          format: { type: 'json_schema', name: 'w', schema: { type: 'object' }, strict: true },
          verbosity: 'medium',
        },
        tool_choice: { type: 'function', name: 'get_weather' },
        tools: [
          {
            type: 'function',
            name: 'get_weather',
            description: 'Weather',
            parameters: { type: 'object', properties: { city: { type: 'string' } } },
            strict: true,
          },
        ],
        top_logprobs: 0,
        top_p: 0.5,
        truncation: 'disabled',
        user: 'u-1',
      },
    });
  });

  it('reads a string input as one user message', () => {
    expect(codec.parseRequest({ model: 'gpt-4.1', input: 'Hi' })).toMatchObject({
      system: [],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
      stream: false,
      reasoning: null,
      responseFormat: null,
    });
  });

  it.each([
    [{ previous_response_id: 'resp_123' }, 'previous_response_id'],
    [{ conversation: 'conv_1' }, 'conversation'],
    [{ background: true }, 'background'],
    [{ input: [] }, 'input'],
    [{ input: [{ type: 'item_reference', id: 'msg_1' }] }, 'input[0].type'],
    [
      { input: [{ role: 'user', content: [{ type: 'input_file', file_id: 'f' }] }] },
      'input[0].content[0].type',
    ],
    [
      { input: [{ role: 'user', content: [{ type: 'input_image', file_id: 'f' }] }] },
      'input[0].content[0].image_url',
    ],
    [{ input: [{ role: 'tool', content: 'x' }] }, 'input[0].role'],
    [{ input: [{ type: 'function_call', call_id: 'c', arguments: '{}' }] }, 'input[0].name'],
    [{ tools: [{ type: 'web_search' }] }, 'tools[0].type'],
    [{ tool_choice: { type: 'web_search' } }, 'tool_choice.type'],
    [{ max_output_tokens: 0 }, 'max_output_tokens'],
    [{ max_output_tokens: 1e10 }, 'max_output_tokens'],
    [{ text: { format: { type: 'json_schema', schema: {} } } }, 'text.format.name'],
    [{ reasoning: { effort: 'extreme' } }, 'reasoning.effort'],
    [{ temperature: -1 }, 'temperature'],
    [{ model: '' }, 'model'],
    // Settings the response echoes, which OpenAI would refuse.
    [{ truncation: 'sometimes' }, 'truncation'],
    [{ metadata: { ticket: 1 } }, 'metadata.ticket'],
    [{ text: { verbosity: 'loud' } }, 'text.verbosity'],
    [{ store: 'yes' }, 'store'],
    // Log probabilities: no upstream's reach a Responses client.
    [{ top_logprobs: 3 }, 'top_logprobs'],
    [{ include: ['message.output_text.logprobs'] }, 'include'],
  ])('refuses %j naming %s', (fields, param) => {
    let error: unknown;
    try {
      codec.parseRequest({ model: 'gpt-4.1', input: 'Hi', ...fields });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(RequestValidationError);
    expect((error as RequestValidationError).param).toBe(param);
  });

  it('says plainly that it is not an upstream format', () => {
    expect(() => codec.createStreamDecoder()).toThrow(NotAnUpstreamFormatError);
    expect(() => codec.decodeResponse({})).toThrow(/ingress format only/);
  });
});

describe('Responses codec: answers', () => {
  it('encodes a response object the SDK reads: output items, output_text, usage details', async () => {
    const body = codec.encodeResponse({
      id: 'msg_01',
      model: 'claude-sonnet-4-5',
      content: [
        { type: 'thinking', text: 'Hmm.', signature: 's' },
        { type: 'text', text: 'Checking.' },
        { type: 'tool_call', id: 'toolu_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
      ],
      finishReason: 'tool_calls',
      usage,
    });
    const response = await clientAnswering(JSON.stringify(body), 'application/json').responses.create({
      model: 'm',
      input: 'x',
    });
    expect(response).toMatchObject({
      id: 'resp_msg_01',
      object: 'response',
      status: 'completed',
      incomplete_details: null,
      output_text: 'Checking.',
      usage: {
        input_tokens: 300,
        input_tokens_details: { cached_tokens: 256 },
        output_tokens: 120,
        output_tokens_details: { reasoning_tokens: 64 },
        total_tokens: 420,
      },
    });
    expect(response.output.map((item) => item.type)).toEqual(['reasoning', 'message', 'function_call']);
    expect(response.output[2]).toMatchObject({
      call_id: 'toolu_1',
      name: 'get_weather',
      arguments: '{"city":"Paris"}',
    });
  });

  it('gives a call whose arguments are not an object {}, as the stream does', () => {
    const call = (id: string, args: string) => ({
      type: 'tool_call' as const,
      id,
      name: 'f',
      arguments: args,
    });
    const body = codec.encodeResponse({
      id: 'r',
      model: 'm',
      content: [
        call('a', '[1, 2]'),
        call('b', '"hello"'),
        call('c', 'hello'),
        call('d', ' {"x":1}'),
        call('e', ''),
      ],
      finishReason: 'tool_calls',
      usage: null,
    });
    expect((body['output'] as Array<{ arguments: string }>).map((item) => item.arguments)).toEqual([
      '{}',
      '{}',
      '{}',
      ' {"x":1}',
      '',
    ]);
  });

  it("echoes the request's settings, and OpenAI's defaults when there is no request", () => {
    const answer = { id: 'a', model: 'm', content: [], finishReason: 'stop' as const, usage: null };
    const request = codec.parseRequest({
      model: 'm',
      input: 'Hi',
      instructions: 'Be brief.',
      temperature: 0.2,
      metadata: { ticket: 'T-1' },
      truncation: 'auto',
    });
    expect(codec.encodeResponse(answer, request)).toMatchObject({
      instructions: 'Be brief.',
      temperature: 0.2,
      top_p: 1,
      metadata: { ticket: 'T-1' },
      truncation: 'auto',
      tools: [],
      tool_choice: 'auto',
    });
    expect(codec.encodeResponse(answer)).toMatchObject({
      instructions: null,
      temperature: 1,
      metadata: {},
      truncation: 'disabled',
      store: false,
    });
  });

  it.each([
    ['length', 'incomplete', { reason: 'max_output_tokens' }],
    ['content_filter', 'incomplete', { reason: 'content_filter' }],
    ['refusal', 'incomplete', { reason: 'content_filter' }],
    ['stop', 'completed', null],
    ['tool_calls', 'completed', null],
  ] as const)('finish reason %s → status %s', (finishReason, status, details) => {
    const body = codec.encodeResponse({ id: 'r', model: 'm', content: [], finishReason, usage: null });
    expect(body).toMatchObject({ status, incomplete_details: details, usage: null });
  });
});

describe('Responses codec: streams, read by the openai SDK', () => {
  const request = codec.parseRequest({ model: 'gpt-5', input: 'x', stream: true });
  const events: CanonicalStreamEvent[] = [
    { type: 'start', id: 'msg_01', model: 'claude-sonnet-4-5' },
    { type: 'thinking_delta', text: 'The user ' },
    { type: 'thinking_delta', text: 'wants weather.' },
    { type: 'thinking_signature', signature: 'sig' },
    { type: 'text_delta', text: '你好，' },
    { type: 'text_delta', text: 'checking 🌏.' },
    { type: 'tool_call_start', index: 0, id: 'call_a', name: 'get_weather' },
    { type: 'tool_call_delta', index: 0, arguments: '{"city":' },
    { type: 'tool_call_delta', index: 0, arguments: '"Paris"}' },
    { type: 'tool_call_start', index: 1, id: 'call_b', name: 'get_time' },
    { type: 'tool_call_delta', index: 1, arguments: '{}' },
    { type: 'finish', finishReason: 'tool_calls' },
    { type: 'usage', usage },
  ];

  function encodeAll(list: CanonicalStreamEvent[]): string {
    const encoder = codec.createStreamEncoder(request);
    return list.map((event) => encoder.encode(event)).join('') + encoder.finish();
  }

  it('emits the documented event sequence with increasing sequence numbers', () => {
    const text = encodeAll(events);
    const payloads = text
      .split('\n\n')
      .filter((block) => block !== '')
      .map((block) => JSON.parse(block.split('\ndata: ')[1]) as { type: string; sequence_number: number });
    expect(payloads.map((p) => p.sequence_number)).toEqual(payloads.map((_p, i) => i));
    expect(payloads.map((p) => p.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.reasoning_summary_part.added',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.done',
      'response.reasoning_summary_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.completed',
    ]);
  });

  it('reassembles text, reasoning, tool arguments and usage (responses.stream → finalResponse)', async () => {
    const stream = clientAnswering(encodeAll(events)).responses.stream({ model: 'gpt-5', input: 'x' });
    const deltas: string[] = [];
    stream.on('response.output_text.delta', (event) => deltas.push(event.delta));
    const response = await stream.finalResponse();
    expect(deltas.join('')).toBe('你好，checking 🌏.');
    expect(response.status).toBe('completed');
    expect(response.output_text).toBe('你好，checking 🌏.');
    expect(response.output).toMatchObject([
      {
        type: 'reasoning',
        id: expect.any(String),
        summary: [{ type: 'summary_text', text: 'The user wants weather.' }],
      },
      {
        type: 'message',
        id: expect.any(String),
        status: 'completed',
        role: 'assistant',
        content: [{ type: 'output_text', text: '你好，checking 🌏.', annotations: [], logprobs: [] }],
      },
      {
        type: 'function_call',
        id: 'fc_call_a',
        call_id: 'call_a',
        name: 'get_weather',
        arguments: '{"city":"Paris"}',
        status: 'completed',
      },
      {
        type: 'function_call',
        id: 'fc_call_b',
        call_id: 'call_b',
        name: 'get_time',
        arguments: '{}',
        status: 'completed',
      },
    ]);
    expect(response.usage).toEqual({
      input_tokens: 300,
      input_tokens_details: { cached_tokens: 256 },
      output_tokens: 120,
      output_tokens_details: { reasoning_tokens: 64 },
      total_tokens: 420,
    });
  });

  it('writes interleaved parallel calls one item at a time, each done with its whole arguments', () => {
    const payloads = encodeAll([
      { type: 'start', id: 'chatcmpl-p', model: 'gpt-4o' },
      { type: 'tool_call_start', index: 0, id: 'call_a', name: 'get_weather' },
      { type: 'tool_call_start', index: 1, id: 'call_b', name: 'get_time' },
      { type: 'tool_call_delta', index: 0, arguments: '{"city":' },
      { type: 'tool_call_delta', index: 1, arguments: '{"tz":' },
      { type: 'text_delta', text: 'meanwhile' },
      { type: 'tool_call_delta', index: 0, arguments: '"Paris"}' },
      { type: 'tool_call_delta', index: 1, arguments: '"UTC"}' },
      { type: 'finish', finishReason: 'tool_calls' },
    ])
      .split('\n\n')
      .filter((block) => block !== '')
      .map((block) => JSON.parse(block.split('\ndata: ')[1]) as Record<string, unknown>);
    // Between an item's added and done, only events of that item.
    let open: unknown = null;
    const strays: string[] = [];
    for (const p of payloads) {
      if (p['type'] === 'response.output_item.added') open = p['output_index'];
      else if (p['type'] === 'response.output_item.done') open = null;
      else if ('output_index' in p && p['output_index'] !== open)
        strays.push(`${String(p['type'])} of ${String(p['output_index'])}`);
    }
    expect(strays).toEqual([]);
    const done = payloads
      .filter((p) => p['type'] === 'response.output_item.done')
      .map((p) => p['item'] as Record<string, unknown>);
    expect(done.map((item) => [item['type'], item['arguments'] ?? item['content']])).toEqual([
      ['function_call', '{"city":"Paris"}'],
      ['message', [expect.objectContaining({ text: 'meanwhile' })]],
      ['function_call', '{"tz":"UTC"}'],
    ]);
  });

  // Mistral, Groq and GLM-style OpenAI-compatible servers send a call's whole arguments again after
  // its pieces; appended, the done item's arguments were `{…}{…}`, which no client can parse.
  it('ends a call at its whole object when an upstream resends the arguments after their pieces', async () => {
    const text = encodeAll([
      { type: 'start', id: 'chatcmpl-d', model: 'mistral-large' },
      { type: 'tool_call_start', index: 0, id: 'call_a', name: 'get_weather' },
      { type: 'tool_call_delta', index: 0, arguments: '{"city":' },
      { type: 'tool_call_delta', index: 0, arguments: '"Paris"}' },
      { type: 'tool_call_delta', index: 0, arguments: '{"city":"Paris"}' },
      { type: 'tool_call_start', index: 1, id: 'call_b', name: 'get_time' },
      { type: 'tool_call_delta', index: 1, arguments: '{"tz":"UTC"}{"tz":"UTC"}' },
      { type: 'finish', finishReason: 'tool_calls' },
    ]);
    const response = await clientAnswering(text).responses.stream({ model: 'm', input: 'x' }).finalResponse();
    expect(response.output.map((item) => (item.type === 'function_call' ? item.arguments : item))).toEqual([
      '{"city":"Paris"}',
      '{"tz":"UTC"}',
    ]);
  });

  // A model's slip: arguments that are a bare string, an array or not JSON at all can never close an
  // object, so the calls behind such a call must not wait for the end of the stream.
  it.each([
    ['a bare JSON string', ['"hel', 'lo"']],
    ['an array', ['[1, ', '2]']],
    ['text that is not JSON', ['hello ', 'world']],
  ])('sends a call whose arguments are %s as {}, the calls behind it at once', async (_name, pieces) => {
    const encoder = codec.createStreamEncoder(request);
    const early = (
      [
        { type: 'start', id: 'chatcmpl-s', model: 'gpt-4o' },
        { type: 'tool_call_start', index: 0, id: 'call_s', name: 'slip' },
        { type: 'tool_call_start', index: 1, id: 'call_b', name: 'get_time' },
        ...pieces.map((piece) => ({ type: 'tool_call_delta' as const, index: 0, arguments: piece })),
        { type: 'tool_call_delta', index: 1, arguments: '{"tz":' },
      ] satisfies CanonicalStreamEvent[]
    )
      .map((event) => encoder.encode(event))
      .join('');
    // get_time's item is open and streaming before the upstream ends.
    expect(early).toContain('"name":"get_time"');
    expect(early).toContain('"delta":"{\\"tz\\":"');
    const text =
      early +
      encoder.encode({ type: 'tool_call_delta', index: 1, arguments: '"UTC"}' }) +
      encoder.encode({ type: 'finish', finishReason: 'tool_calls' }) +
      encoder.finish();
    const response = await clientAnswering(text).responses.stream({ model: 'm', input: 'x' }).finalResponse();
    expect(
      response.output.map((item) => (item.type === 'function_call' ? [item.name, item.arguments] : item)),
    ).toEqual([
      ['slip', '{}'],
      ['get_time', '{"tz":"UTC"}'],
    ]);
  });

  // The length limit cut the call mid-arguments: its item is incomplete, as OpenAI marks one, so a
  // client acting on done items does not run a call with half its arguments.
  it('marks a call the length limit cut incomplete, a whole one before it completed', async () => {
    const text = encodeAll([
      { type: 'start', id: 'r1', model: 'm' },
      { type: 'tool_call_start', index: 0, id: 'call_a', name: 'get_time' },
      { type: 'tool_call_delta', index: 0, arguments: '{"tz":"UTC"}' },
      { type: 'tool_call_start', index: 1, id: 'call_b', name: 'get_weather' },
      { type: 'tool_call_delta', index: 1, arguments: '{"city":"Par' },
      { type: 'finish', finishReason: 'length' },
    ]);
    const done = text
      .split('\n\n')
      .filter((block) => block.startsWith('event: response.output_item.done'))
      .map((block) => (JSON.parse(block.split('\ndata: ')[1]) as { item: { status: string } }).item.status);
    expect(done).toEqual(['completed', 'incomplete']);
    const response = await clientAnswering(text).responses.stream({ model: 'm', input: 'x' }).finalResponse();
    expect(response.status).toBe('incomplete');
    expect(response.output.map((item) => (item.type === 'function_call' ? item.status : item))).toEqual([
      'completed',
      'incomplete',
    ]);
    const answer = codec.encodeResponse({
      id: 'r1',
      model: 'm',
      content: [
        { type: 'tool_call', id: 'call_a', name: 'get_time', arguments: '{"tz":"UTC"}' },
        { type: 'tool_call', id: 'call_b', name: 'get_weather', arguments: '{"city":"Par' },
      ],
      finishReason: 'length',
      usage: null,
    });
    expect((answer['output'] as Array<{ status: string }>).map((item) => item.status)).toEqual([
      'completed',
      'incomplete',
    ]);
  });

  it('ends a length-limited stream as response.incomplete', async () => {
    const text = encodeAll([
      { type: 'start', id: 'r1', model: 'm' },
      { type: 'text_delta', text: 'cut' },
      { type: 'finish', finishReason: 'length' },
    ]);
    const response = await clientAnswering(text).responses.stream({ model: 'm', input: 'x' }).finalResponse();
    expect(response).toMatchObject({
      status: 'incomplete',
      incomplete_details: { reason: 'max_output_tokens' },
    });
    expect(response.output_text).toBe('cut');
  });

  it('ends a broken stream with error and response.failed, never response.completed', async () => {
    const encoder = codec.createStreamEncoder(request);
    const text =
      encoder.encode({ type: 'start', id: 'r2', model: 'm' }) +
      encoder.encode({ type: 'text_delta', text: 'partial' }) +
      encoder.fail('upstream dropped the stream', 'server_error');
    expect(encoder.finish()).toBe('');
    expect(text).not.toContain('response.completed');
    const seen: string[] = [];
    const stream = await clientAnswering(text).responses.create({ model: 'm', input: 'x', stream: true });
    for await (const event of stream) seen.push(event.type);
    expect(seen.slice(-2)).toEqual(['error', 'response.failed']);
    // The SDK's stream helper rejects with the `error` event itself (not an Error instance).
    await expect(
      clientAnswering(text).responses.stream({ model: 'm', input: 'x' }).finalResponse(),
    ).rejects.toMatchObject({ type: 'error', code: 'server_error', message: 'upstream dropped the stream' });
    const failed = text.split('\n\n').find((block) => block.startsWith('event: response.failed'));
    expect(JSON.parse(failed!.split('\ndata: ')[1])).toMatchObject({
      response: { status: 'failed', error: { code: 'server_error', message: 'upstream dropped the stream' } },
    });
  });

  it('turns an upstream error event into the same failure, once', () => {
    const encoder = codec.createStreamEncoder();
    const text =
      encoder.encode({ type: 'start', id: 'r3', model: 'm' }) +
      encoder.encode({ type: 'error', message: 'overloaded', code: 'overloaded_error' }) +
      encoder.fail('again', 'x') +
      encoder.finish();
    expect(text.match(/event: response\.failed/g)).toHaveLength(1);
    expect(text).toContain('"code":"overloaded_error"');
  });
});
