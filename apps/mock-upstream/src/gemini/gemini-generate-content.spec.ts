import { request } from 'node:http';
import { genai, mockUpstreamPerSuite } from '../../test/mock-upstream-fixture';
import { mockCompletionText, thinkingText } from '../generated-text';

const upstream = mockUpstreamPerSuite();
// systemInstruction: 3 + 2 words; the user content: 3 + 2 words → 10
const params = {
  model: 'mock-gemini',
  contents: [{ role: 'user', parts: [{ text: 'hello there' }] }],
  config: { systemInstruction: 'be brief' },
};
const weatherTool = {
  functionDeclarations: [{ name: 'get_weather', description: 'Weather of a city' }],
};

function rawRequest(method: string, path: string, body?: object): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${upstream.mock.url}${path}`,
      { method, headers: { 'content-type': 'application/json' } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

describe('generateContent', () => {
  it('answers a response the SDK parses, with usageMetadata by the documented counting', async () => {
    const response = await upstream.gemini('AIza;tokens=5').models.generateContent(params);

    expect(response.text).toBe(mockCompletionText(5));
    expect(response.candidates?.[0]).toMatchObject({ finishReason: 'STOP', content: { role: 'model' } });
    expect(response.usageMetadata).toMatchObject({
      promptTokenCount: 10,
      candidatesTokenCount: 5,
      totalTokenCount: 15,
    });
    expect(upstream.mock.requests[0]).toMatchObject({
      path: '/v1beta/models/mock-gemini:generateContent',
      apiKey: 'AIza;tokens=5',
      usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
    });
  });

  it('stops with MAX_TOKENS at maxOutputTokens, and thinks first with includeThoughts', async () => {
    const cut = await upstream
      .gemini('AIza;tokens=8')
      .models.generateContent({ ...params, config: { maxOutputTokens: 3 } });
    expect(cut.candidates?.[0].finishReason).toBe('MAX_TOKENS');
    expect(cut.text).toBe(mockCompletionText(3));

    const thought = await upstream.gemini('AIza;tokens=3;reasoning=4;cacheRead=6').models.generateContent({
      ...params,
      config: { thinkingConfig: { includeThoughts: true } },
    });
    expect(thought.candidates?.[0].content?.parts).toEqual([
      { text: thinkingText(0, 4), thought: true },
      { text: mockCompletionText(3) },
    ]);
    expect(thought.usageMetadata).toMatchObject({
      promptTokenCount: 5,
      cachedContentTokenCount: 5,
      candidatesTokenCount: 3,
      thoughtsTokenCount: 4,
      totalTokenCount: 12,
    });
  });

  it('calls the first declared function', async () => {
    const response = await upstream
      .gemini('AIza;tool=1;tokens=2')
      .models.generateContent({ ...params, config: { tools: [weatherTool] } });
    expect(response.functionCalls).toEqual([{ name: 'get_weather', args: { mock: mockCompletionText(2) } }]);
  });

  it('stops for SAFETY, or blocks the prompt', async () => {
    const unsafe = await upstream.gemini('AIza;safety=1').models.generateContent(params);
    expect(unsafe.candidates?.[0]).toMatchObject({
      finishReason: 'SAFETY',
      safetyRatings: [{ blocked: true }],
    });
    expect(unsafe.text).toBeUndefined();

    const blocked = await upstream.gemini('AIza;blocked=1').models.generateContent(params);
    expect(blocked.promptFeedback?.blockReason).toBe('SAFETY');
    expect(blocked.candidates).toBeUndefined();
  });

  it('stops with MALFORMED_FUNCTION_CALL and no content, as Gemini does with a call it cannot parse', async () => {
    const response = await upstream
      .gemini('AIza;malformed=1;tool=1')
      .models.generateContent({ ...params, config: { tools: [weatherTool] } });
    expect(response.candidates?.[0]).toMatchObject({ finishReason: 'MALFORMED_FUNCTION_CALL' });
    expect(response.candidates?.[0]?.content).toBeUndefined();
    expect(response.usageMetadata?.candidatesTokenCount).toBeUndefined();
  });

  it('refuses a prompt past context=N as Gemini does: 400 INVALID_ARGUMENT, the input token count', async () => {
    const error = await upstream
      .gemini('AIza;context=1')
      .models.generateContent(params)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(genai.ApiError);
    expect((error as InstanceType<typeof genai.ApiError>).status).toBe(400);
    expect((error as Error).message).toMatch(/INVALID_ARGUMENT/);
    expect((error as Error).message).toMatch(
      /The input token count \(\d+\) exceeds the maximum number of tokens allowed \(1\)/,
    );
  });

  it('answers a bad key with 400 INVALID_ARGUMENT and reason API_KEY_INVALID', async () => {
    const error = await upstream
      .gemini('AIza;status=401')
      .models.generateContent(params)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(genai.ApiError);
    expect((error as InstanceType<typeof genai.ApiError>).status).toBe(400);
    expect((error as Error).message).toContain('API_KEY_INVALID');

    const raw = await rawRequest('POST', '/v1beta/models/mock-gemini:generateContent?key=AIza;status=401', {
      contents: params.contents,
    });
    expect(raw.status).toBe(400);
    expect(JSON.parse(raw.text)).toEqual({
      error: {
        code: 400,
        message: expect.stringContaining('API key not valid'),
        status: 'INVALID_ARGUMENT',
        details: [
          expect.objectContaining({
            '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
            reason: 'API_KEY_INVALID',
          }),
        ],
      },
    });
    const noKey = await rawRequest('POST', '/v1beta/models/mock-gemini:generateContent', {
      contents: params.contents,
    });
    expect(noKey.status).toBe(403);
  });
});

describe('streamGenerateContent?alt=sse', () => {
  it('streams text the SDK reassembles, the last chunk carrying only the finish and usage', async () => {
    const stream = await upstream.gemini('AIza;tokens=7;chunks=3').models.generateContentStream(params);
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);

    const last = chunks[chunks.length - 1];
    expect(chunks.map((chunk) => chunk.text ?? '').join('')).toBe(mockCompletionText(7));
    expect(chunks).toHaveLength(4);
    expect(last.candidates?.[0].content).toBeUndefined();
    expect(last.candidates?.[0].finishReason).toBe('STOP');
    expect(last.usageMetadata).toMatchObject({
      promptTokenCount: 10,
      candidatesTokenCount: 7,
      totalTokenCount: 17,
    });
    expect(chunks[0].usageMetadata).toEqual(
      expect.not.objectContaining({ candidatesTokenCount: expect.anything() }),
    );
    expect(upstream.mock.requests[0]).toMatchObject({ stream: true, chunksSent: 4 });
  });

  it('frames events with CRLF pairs and sends a function call whole in one chunk', async () => {
    const raw = await rawRequest(
      'POST',
      '/v1beta/models/mock-gemini:streamGenerateContent?alt=sse&key=AIza;tool=1;tokens=6',
      { contents: params.contents, tools: [weatherTool] },
    );
    const events = raw.text.split('\r\n\r\n').filter((event) => event !== '');
    expect(events).toHaveLength(2);
    expect(JSON.parse(events[0].replace(/^data: /, ''))).toMatchObject({
      candidates: [
        {
          content: {
            parts: [{ functionCall: { name: 'get_weather', args: { mock: mockCompletionText(6) } } }],
          },
        },
      ],
    });

    const stream = await upstream
      .gemini('AIza;tool=1;tokens=6')
      .models.generateContentStream({ ...params, config: { tools: [weatherTool] } });
    const calls = [];
    for await (const chunk of stream) calls.push(...(chunk.functionCalls ?? []));
    expect(calls).toEqual([{ name: 'get_weather', args: { mock: mockCompletionText(6) } }]);
  });

  it('raises an error chunk mid-stream as an ApiError', async () => {
    const stream = await upstream.gemini('AIza;tokens=6;streamError=2').models.generateContentStream(params);
    const texts: string[] = [];
    const error = await (async () => {
      for await (const chunk of stream) texts.push(chunk.text ?? '');
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(genai.ApiError);
    expect((error as InstanceType<typeof genai.ApiError>).status).toBe(503);
    expect(texts.join('')).toBe(mockCompletionText(2));
  });

  it('answers the chunks as a JSON array without alt=sse', async () => {
    const raw = await rawRequest(
      'POST',
      '/v1beta/models/mock-gemini:streamGenerateContent?key=AIza;tokens=2',
      {
        contents: params.contents,
      },
    );
    expect(JSON.parse(raw.text)).toHaveLength(3);
  });
});

describe('models', () => {
  it('lists models and counts tokens', async () => {
    const client = upstream.gemini();
    const pager = await client.models.list();
    expect(pager.page.map((model) => model.name)).toEqual(['models/mock-gemini', 'models/mock-gemini-flash']);
    const counted = await client.models.countTokens({ model: 'mock-gemini', contents: params.contents });
    expect(counted.totalTokens).toBe(5);
  });
});
