import type { CanonicalRequest } from '../canonical/canonical-model';
import { RequestValidationError } from '../validation/request-validation-error';
import { geminiCodec } from './gemini-codec';
import { buildGeminiRequest, parseGeminiRequest } from './request';

const TARGET = {
  baseUrl: 'https://generativelanguage.googleapis.com/',
  apiKey: 'AIza-secret',
  upstreamModel: 'models/gemini-2.5-pro',
  settings: {},
};

const base: CanonicalRequest = {
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
};

function paramOf(run: () => unknown): string | null {
  try {
    run();
  } catch (error) {
    if (error instanceof RequestValidationError) return error.param;
    throw error;
  }
  throw new Error('expected a RequestValidationError');
}

describe('buildGeminiRequest (canonical → Gemini)', () => {
  it('puts the key in x-goog-api-key, never the URL, and appends the version and method to the base URL', () => {
    const call = buildGeminiRequest(base, TARGET);
    expect(call.url).toBe(
      'https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-pro:generateContent',
    );
    expect(call.url).not.toContain('AIza');
    expect(call.headers['x-goog-api-key']).toBe('AIza-secret');
    expect(
      buildGeminiRequest({ ...base, stream: true }, { ...TARGET, baseUrl: 'https://proxy.test/v1beta' }).url,
    ).toBe('https://proxy.test/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse');
  });

  it('translates system, images, tools, tool calls and results, thinking, max output, stop and response format', () => {
    const { body } = buildGeminiRequest(
      {
        ...base,
        system: [
          { type: 'text', text: 'Be brief.' },
          { type: 'text', text: 'Answer in French.' },
        ],
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is in these, and the weather?' },
              { type: 'image', source: { kind: 'url', url: 'https://example.com/cat.PNG?x=1' } },
              { type: 'image', source: { kind: 'url', url: 'data:image/jpeg;base64,/9j/4AAQ' } },
              { type: 'image', source: { kind: 'base64', mediaType: 'image/webp', data: 'UklGR' } },
            ],
          },
          {
            role: 'assistant',
            content: [
              { type: 'thinking', text: 'Need the weather.', signature: 'sig-1' },
              { type: 'thinking', text: '', signature: 'sig-call' },
              {
                type: 'tool_call',
                id: 'call_a',
                name: 'get_weather',
                arguments: '{"city":"Paris","days":[1,2]}',
              },
              { type: 'tool_call', id: 'call_b', name: 'get_time', arguments: '' },
              { type: 'thinking', text: '', redacted: 'opaque' },
            ],
          },
          {
            role: 'tool',
            content: [
              { type: 'tool_result', toolCallId: 'call_a', content: [{ type: 'text', text: '{"temp":21}' }] },
              {
                type: 'tool_result',
                toolCallId: 'call_b',
                name: 'get_time',
                content: [{ type: 'text', text: 'noon' }],
                isError: true,
              },
            ],
          },
          { role: 'user', content: [{ type: 'text', text: 'Thanks' }] },
        ],
        tools: [
          {
            name: 'get_weather',
            description: 'Weather',
            parameters: {
              type: 'object',
              properties: { city: { type: 'string' } },
              additionalProperties: false,
            },
          },
          { name: 'get_time', parameters: { type: 'object', properties: {} } },
        ],
        toolChoice: { name: 'get_weather' },
        maxOutputTokens: 1000,
        temperature: 0.2,
        topP: 0.9,
        topK: 40,
        stop: ['END'],
        seed: 7,
        responseFormat: { type: 'json_schema', name: 'answer', schema: { type: 'object' } },
        reasoning: { effort: 'high', includeThoughts: true },
        user: 'u-1',
        parallelToolCalls: false,
      },
      TARGET,
    );
    expect(body).toEqual({
      systemInstruction: { parts: [{ text: 'Be brief.' }, { text: 'Answer in French.' }] },
      contents: [
        {
          role: 'user',
          parts: [
            { text: 'What is in these, and the weather?' },
            { fileData: { fileUri: 'https://example.com/cat.PNG?x=1', mimeType: 'image/png' } },
            { inlineData: { mimeType: 'image/jpeg', data: '/9j/4AAQ' } },
            { inlineData: { mimeType: 'image/webp', data: 'UklGR' } },
          ],
        },
        {
          role: 'model',
          parts: [
            { text: 'Need the weather.', thought: true, thoughtSignature: 'sig-1' },
            {
              functionCall: { name: 'get_weather', args: { city: 'Paris', days: [1, 2] } },
              thoughtSignature: 'sig-call',
            },
            { functionCall: { name: 'get_time', args: {} } },
          ],
        },
        {
          // The tool turn and the next user turn are one user turn.
          role: 'user',
          parts: [
            { functionResponse: { name: 'get_weather', response: { temp: 21 } } },
            { functionResponse: { name: 'get_time', response: { error: 'noon' } } },
            { text: 'Thanks' },
          ],
        },
      ],
      tools: [
        {
          functionDeclarations: [
            {
              name: 'get_weather',
              description: 'Weather',
              parametersJsonSchema: {
                type: 'object',
                properties: { city: { type: 'string' } },
                additionalProperties: false,
              },
            },
            { name: 'get_time', parametersJsonSchema: { type: 'object', properties: {} } },
          ],
        },
      ],
      toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_weather'] } },
      generationConfig: {
        maxOutputTokens: 1000,
        temperature: 0.2,
        topP: 0.9,
        topK: 40,
        stopSequences: ['END'],
        seed: 7,
        responseMimeType: 'application/json',
        responseJsonSchema: { type: 'object' },
        thinkingConfig: { thinkingBudget: 24576, includeThoughts: true },
      },
    });
  });

  it('maps tool choices and an explicit thinking budget, and a plain tool result to {output}', () => {
    const choice = (toolChoice: CanonicalRequest['toolChoice']) =>
      buildGeminiRequest({ ...base, toolChoice }, TARGET).body['toolConfig'];
    expect(choice('auto')).toEqual({ functionCallingConfig: { mode: 'AUTO' } });
    expect(choice('none')).toEqual({ functionCallingConfig: { mode: 'NONE' } });
    expect(choice('required')).toEqual({ functionCallingConfig: { mode: 'ANY' } });
    const { body } = buildGeminiRequest(
      {
        ...base,
        reasoning: { budgetTokens: 0, effort: 'low' },
        responseFormat: { type: 'json_object' },
        messages: [
          { role: 'assistant', content: [{ type: 'tool_call', id: 'x', name: 'f', arguments: '{}' }] },
          {
            role: 'tool',
            content: [{ type: 'tool_result', toolCallId: 'x', content: [{ type: 'text', text: '[1,2]' }] }],
          },
        ],
      },
      TARGET,
    );
    expect(body['generationConfig']).toEqual({
      responseMimeType: 'application/json',
      thinkingConfig: { thinkingBudget: 0 },
    });
    expect(body['contents']).toEqual([
      { role: 'model', parts: [{ functionCall: { name: 'f', args: {} } }] },
      { role: 'user', parts: [{ functionResponse: { name: 'f', response: { output: '[1,2]' } } }] },
    ]);
  });

  it('refuses arguments that are not a JSON object and a tool result it cannot name, naming the field', () => {
    const call = (args: string) =>
      paramOf(() =>
        buildGeminiRequest(
          {
            ...base,
            messages: [
              {
                role: 'assistant',
                content: [
                  { type: 'text', text: 'x' },
                  { type: 'tool_call', id: 'c', name: 'f', arguments: args },
                ],
              },
            ],
          },
          TARGET,
        ),
      );
    expect(call('{"a":')).toBe('messages[0].content[1].arguments');
    expect(call('[1]')).toBe('messages[0].content[1].arguments');
    expect(
      paramOf(() =>
        buildGeminiRequest(
          {
            ...base,
            messages: [
              { role: 'tool', content: [{ type: 'tool_result', toolCallId: 'nowhere', content: [] }] },
            ],
          },
          TARGET,
        ),
      ),
    ).toBe('messages[0].content[0].name');
  });
});

describe('parseGeminiRequest (Gemini → canonical)', () => {
  it('reads a full request: model and stream from the URL, system, parts, tools, tool config and generation config', () => {
    const parsed = parseGeminiRequest(
      {
        systemInstruction: { parts: [{ text: 'Be brief.' }] },
        contents: [
          {
            role: 'user',
            parts: [
              { text: 'Weather in Paris?' },
              { inlineData: { mimeType: 'image/png', data: 'iVBOR' } },
              {
                fileData: {
                  fileUri: 'https://generativelanguage.googleapis.com/v1beta/files/abc',
                  mimeType: 'application/pdf',
                },
              },
            ],
          },
          {
            role: 'model',
            parts: [
              { text: 'Thinking', thought: true },
              { text: ' more.', thought: true, thoughtSignature: 'sig-t' },
              { functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: 'sig-c' },
              { functionCall: { name: 'get_weather', args: { city: 'Lyon' } } },
            ],
          },
          {
            role: 'user',
            parts: [
              { functionResponse: { name: 'get_weather', response: { output: 'sunny' } } },
              {
                functionResponse: {
                  name: 'get_weather',
                  response: { temp: 18 },
                  parts: [{ inlineData: { mimeType: 'image/png', data: 'AAAA' } }],
                },
              },
              { text: 'And tomorrow?' },
            ],
          },
        ],
        tools: [
          {
            functionDeclarations: [
              {
                name: 'get_weather',
                description: 'Weather',
                parameters: {
                  type: 'OBJECT',
                  properties: { city: { type: 'STRING', nullable: true } },
                  required: ['city'],
                },
              },
              {
                name: 'get_time',
                parametersJsonSchema: { type: 'object', properties: {}, additionalProperties: false },
              },
              { name: 'noop' },
            ],
          },
          { googleSearch: {} },
        ],
        toolConfig: {
          functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_weather', 'get_time'] },
        },
        generationConfig: {
          maxOutputTokens: 512,
          temperature: 0.5,
          topP: 0.8,
          topK: 20,
          stopSequences: ['STOP!'],
          seed: 3,
          responseMimeType: 'application/json',
          responseSchema: { type: 'OBJECT', properties: { answer: { type: 'STRING' } } },
          thinkingConfig: { thinkingBudget: 2048, includeThoughts: true },
        },
        safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }],
      },
      'models/gemini-2.5-flash',
      true,
    );
    expect(parsed).toEqual({
      model: 'gemini-2.5-flash',
      system: [{ type: 'text', text: 'Be brief.' }],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Weather in Paris?' },
            { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'iVBOR' } },
            {
              type: 'image',
              source: { kind: 'url', url: 'https://generativelanguage.googleapis.com/v1beta/files/abc' },
            },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', text: 'Thinking more.', signature: 'sig-t' },
            { type: 'thinking', text: '', signature: 'sig-c' },
            { type: 'tool_call', id: 'call_1_2', name: 'get_weather', arguments: '{"city":"Paris"}' },
            { type: 'tool_call', id: 'call_1_3', name: 'get_weather', arguments: '{"city":"Lyon"}' },
          ],
        },
        {
          role: 'tool',
          content: [
            {
              type: 'tool_result',
              toolCallId: 'call_1_2',
              name: 'get_weather',
              content: [{ type: 'text', text: 'sunny' }],
            },
            {
              type: 'tool_result',
              toolCallId: 'call_1_3',
              name: 'get_weather',
              content: [
                { type: 'text', text: '{"temp":18}' },
                { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'AAAA' } },
              ],
            },
          ],
        },
        { role: 'user', content: [{ type: 'text', text: 'And tomorrow?' }] },
      ],
      tools: [
        {
          name: 'get_weather',
          description: 'Weather',
          parameters: {
            type: 'object',
            properties: { city: { type: ['string', 'null'] } },
            required: ['city'],
          },
        },
        { name: 'get_time', parameters: { type: 'object', properties: {}, additionalProperties: false } },
      ],
      toolChoice: 'required',
      parallelToolCalls: null,
      maxOutputTokens: 512,
      temperature: 0.5,
      topP: 0.8,
      topK: 20,
      stop: ['STOP!'],
      seed: 3,
      responseFormat: {
        type: 'json_schema',
        name: 'response',
        schema: { type: 'object', properties: { answer: { type: 'string' } } },
      },
      reasoning: { budgetTokens: 2048, includeThoughts: true },
      stream: true,
      user: null,
    });
  });

  it('survives the round trip: canonical → Gemini → canonical keeps calls, results and signatures', () => {
    const canonical: CanonicalRequest = {
      ...base,
      model: 'gemini-2.5-flash',
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Weather?' }] },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', text: '', signature: 'sig-c' },
            {
              type: 'tool_call',
              id: 'call_1_0',
              name: 'get_weather',
              arguments: '{"city":"Paris","n":[1,{"a":null}]}',
            },
          ],
        },
        {
          role: 'tool',
          content: [
            {
              type: 'tool_result',
              toolCallId: 'call_1_0',
              name: 'get_weather',
              content: [{ type: 'text', text: 'sunny' }],
            },
            {
              type: 'tool_result',
              toolCallId: 'call_1_0',
              name: 'get_weather',
              content: [{ type: 'text', text: 'failed' }],
              isError: true,
            },
          ],
        },
      ],
    };
    const { body } = buildGeminiRequest(canonical, TARGET);
    const back = parseGeminiRequest(body, 'gemini-2.5-flash', false);
    expect(back.messages.slice(0, 2)).toEqual(canonical.messages.slice(0, 2));
    expect(back.messages[2].content[0]).toEqual(canonical.messages[2].content[0]);
    // The second answer to one call has no call left to match: it keeps a synthesized id.
    expect(back.messages[2].content[1]).toMatchObject({
      name: 'get_weather',
      isError: true,
      content: [{ type: 'text', text: 'failed' }],
    });
  });

  it("reads a chat session's streamed history (one content per chunk) as one message per turn", () => {
    const parsed = parseGeminiRequest(
      {
        contents: [
          { role: 'user', parts: [{ text: 'Hi' }] },
          { role: 'model', parts: [{ text: 'Let me ', thought: true }] },
          { role: 'model', parts: [{ text: 'think.', thought: true }] },
          { role: 'model', parts: [{ text: '', thought: true, thoughtSignature: 'sig' }] },
          { role: 'model', parts: [{ text: 'Hel' }] },
          { role: 'model', parts: [{ text: 'lo' }] },
          { role: 'model', parts: [{ functionCall: { id: 'toolu_1', name: 'f', args: {} } }] },
          { role: 'model', parts: [{ text: '' }] },
          { parts: [{ functionResponse: { id: 'toolu_1', name: 'f', response: { ok: true } } }] },
        ],
      },
      'gemini-2.5-flash',
      false,
    );
    expect(parsed.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', text: 'Let me think.', signature: 'sig' },
          { type: 'text', text: 'Hello' },
          { type: 'tool_call', id: 'toolu_1', name: 'f', arguments: '{}' },
          { type: 'text', text: '' },
        ],
      },
      {
        role: 'tool',
        content: [
          {
            type: 'tool_result',
            toolCallId: 'toolu_1',
            name: 'f',
            content: [{ type: 'text', text: '{"ok":true}' }],
          },
        ],
      },
    ]);
  });

  it.each([
    [{}, 'contents'],
    [{ contents: [] }, 'contents'],
    [{ contents: [{ role: 'system', parts: [{ text: 'x' }] }] }, 'contents[0].role'],
    [{ contents: [{ role: 'user', parts: [{ text: 1 }] }] }, 'contents[0].parts[0].text'],
    [{ contents: [{ role: 'user', parts: [{ foo: 1 }] }] }, 'contents[0].parts[0]'],
    [
      { contents: [{ role: 'user', parts: [{ inlineData: { mimeType: 'image/png' } }] }] },
      'contents[0].parts[0].inlineData.data',
    ],
    [
      { contents: [{ role: 'model', parts: [{ functionCall: { name: 'f', args: '{}' } }] }] },
      'contents[0].parts[0].functionCall.args',
    ],
    [
      { contents: [{ role: 'user', parts: [{ functionCall: { name: 'f' } }] }] },
      'contents[0].parts[0].functionCall',
    ],
    [
      { contents: [{ role: 'user', parts: [{ functionResponse: { name: 'f', response: 'ok' } }] }] },
      'contents[0].parts[0].functionResponse.response',
    ],
    [
      {
        contents: [{ parts: [{ text: 'x' }] }],
        tools: [{ functionDeclarations: [{ description: 'no name' }] }],
      },
      'tools[0].functionDeclarations[0].name',
    ],
    [
      {
        contents: [{ parts: [{ text: 'x' }] }],
        toolConfig: { functionCallingConfig: { mode: 'SOMETIMES' } },
      },
      'toolConfig.functionCallingConfig.mode',
    ],
    [
      { contents: [{ parts: [{ text: 'x' }] }], generationConfig: { maxOutputTokens: 0 } },
      'generationConfig.maxOutputTokens',
    ],
    [
      { contents: [{ parts: [{ text: 'x' }] }], generationConfig: { maxOutputTokens: 1e12 } },
      'generationConfig.maxOutputTokens',
    ],
    [
      { contents: [{ parts: [{ text: 'x' }] }], generationConfig: { candidateCount: 2 } },
      'generationConfig.candidateCount',
    ],
    // Google's ranges: out of them, another format's upstream would refuse it under its own name.
    [
      { contents: [{ parts: [{ text: 'x' }] }], generationConfig: { temperature: 5 } },
      'generationConfig.temperature',
    ],
    [
      { contents: [{ parts: [{ text: 'x' }] }], generationConfig: { temperature: -0.1 } },
      'generationConfig.temperature',
    ],
    [{ contents: [{ parts: [{ text: 'x' }] }], generationConfig: { topP: 3 } }, 'generationConfig.topP'],
    [{ contents: [{ parts: [{ text: 'x' }] }], generationConfig: { topP: 'high' } }, 'generationConfig.topP'],
    [
      {
        contents: [{ parts: [{ text: 'x' }] }],
        generationConfig: { thinkingConfig: { thinkingBudget: 'lots' } },
      },
      'generationConfig.thinkingConfig.thinkingBudget',
    ],
    [
      { contents: [{ parts: [{ text: 'x' }] }], systemInstruction: { parts: [{ inlineData: {} }] } },
      'systemInstruction.parts[0].text',
    ],
  ])('refuses %j naming %s', (body, param) => {
    expect(paramOf(() => parseGeminiRequest(body, 'gemini-2.5-flash', false))).toBe(param);
  });

  it('takes the model from the codec context, and needs it', () => {
    const body = { contents: [{ parts: [{ text: 'Hi' }] }] };
    expect(geminiCodec.parseRequest(body, { model: 'gemini-2.5-flash', stream: true })).toMatchObject({
      model: 'gemini-2.5-flash',
      stream: true,
    });
    expect(paramOf(() => geminiCodec.parseRequest(body))).toBe('model');
  });
});
