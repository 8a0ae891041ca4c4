// What GeminiStreamEncoder writes must be what @google/genai reads: the SDK's own stream parser
// runs over a fake fetch serving the encoder's text, and the SDK's answers are checked.
import type { GenerateContentResponse, GoogleGenAI } from '@google/genai' with {
  'resolution-mode': 'import',
};
import type { CanonicalStreamEvent } from '../canonical/canonical-model';
import { GeminiStreamEncoder } from './stream';

const USAGE = {
  promptTokens: 20,
  completionTokens: 15,
  cachedTokens: 6,
  cacheWriteTokens: 0,
  reasoningTokens: 5,
};

function encode(events: CanonicalStreamEvent[], ending: 'finish' | { fail: string } = 'finish'): string {
  const encoder = new GeminiStreamEncoder();
  const text = events.map((event) => encoder.encode(event)).join('');
  return text + (ending === 'finish' ? encoder.finish() : encoder.fail(ending.fail, 'upstream_error'));
}

/** A client whose fetch answers with `sse`, served in small byte pieces as a network would. */
/** The SDK ships as an ES module; a dynamic import loads it from these CommonJS specs. */
const genai = () => import('@google/genai');

async function clientServing(sse: string): Promise<{ ai: GoogleGenAI; requests: Request[] }> {
  const { GoogleGenAI } = await genai();
  const requests: Request[] = [];
  const bytes = new TextEncoder().encode(sse);
  const fetch = async (input: string | URL | Request, init?: RequestInit) => {
    requests.push(new Request(input, init));
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let at = 0; at < bytes.length; at += 7) controller.enqueue(bytes.slice(at, at + 7));
        controller.close();
      },
    });
    return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
  };
  return {
    ai: new GoogleGenAI({ apiKey: 'gw-key', httpOptions: { baseUrl: 'http://gateway.test', fetch } }),
    requests,
  };
}

async function collect(ai: GoogleGenAI): Promise<GenerateContentResponse[]> {
  const chunks: GenerateContentResponse[] = [];
  const stream = await ai.models.generateContentStream({ model: 'gemini-2.5-flash', contents: 'Hi' });
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

const start: CanonicalStreamEvent = { type: 'start', id: 'resp-1', model: 'claude-sonnet-4' };

describe('GeminiStreamEncoder read by @google/genai', () => {
  it('reassembles text and reasoning exactly, with the usage and finish reason in the last chunk', async () => {
    const text = ['你好', '，世界🌏', '! Ünïcödé'];
    const { ai, requests } = await clientServing(
      encode([
        start,
        { type: 'thinking_delta', text: 'Thinking about ' },
        { type: 'thinking_delta', text: 'it.' },
        { type: 'thinking_signature', signature: 'sig-abc' },
        ...text.map((delta): CanonicalStreamEvent => ({ type: 'text_delta', text: delta })),
        { type: 'finish', finishReason: 'stop' },
        { type: 'usage', usage: USAGE },
      ]),
    );
    const chunks = await collect(ai);
    expect(requests[0].url).toBe(
      'http://gateway.test/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse',
    );
    expect(requests[0].headers.get('x-goog-api-key')).toBe('gw-key');
    expect(chunks.map((chunk) => chunk.text ?? '').join('')).toBe(text.join(''));
    const thoughts = chunks
      .flatMap((chunk) => chunk.candidates?.[0]?.content?.parts ?? [])
      .filter((part) => part.thought);
    expect(thoughts.map((part) => part.text).join('')).toBe('Thinking about it.');
    expect(thoughts.at(-1)?.thoughtSignature).toBe('sig-abc');
    const last = chunks.at(-1);
    expect(last?.candidates?.[0]?.finishReason).toBe('STOP');
    expect(last?.usageMetadata).toEqual({
      promptTokenCount: 20,
      cachedContentTokenCount: 6,
      candidatesTokenCount: 10,
      thoughtsTokenCount: 5,
      totalTokenCount: 35,
    });
    expect(last?.responseId).toBe('resp-1');
    expect(chunks.slice(0, -1).every((chunk) => chunk.candidates?.[0]?.finishReason === undefined)).toBe(
      true,
    );
  });

  it('sends each tool call whole, with arguments that arrived in pieces, as the SDK functionCalls', async () => {
    const { ai } = await clientServing(
      encode([
        start,
        { type: 'text_delta', text: 'Checking.' },
        { type: 'tool_call_start', index: 0, id: 'toolu_01', name: 'get_weather' },
        { type: 'tool_call_delta', index: 0, arguments: '{"city":' },
        { type: 'tool_call_delta', index: 0, arguments: '"Paris","days":[1,' },
        { type: 'tool_call_start', index: 1, id: 'toolu_02', name: 'get_time' },
        { type: 'tool_call_delta', index: 0, arguments: '2]}' },
        { type: 'tool_call_delta', index: 1, arguments: '' },
        { type: 'usage', usage: USAGE },
        { type: 'finish', finishReason: 'tool_calls' },
      ]),
    );
    const chunks = await collect(ai);
    const calls = chunks.flatMap((chunk) => chunk.functionCalls ?? []);
    expect(calls).toEqual([
      { id: 'toolu_01', name: 'get_weather', args: { city: 'Paris', days: [1, 2] } },
      { id: 'toolu_02', name: 'get_time', args: {} },
    ]);
    expect(chunks.at(-1)?.candidates?.[0]?.finishReason).toBe('STOP');
    expect(chunks.at(-1)?.usageMetadata?.promptTokenCount).toBe(20);
  });

  it.each<[string, CanonicalStreamEvent]>([
    ['text', { type: 'text_delta', text: 'meanwhile' }],
    // An OpenAI-compatible server that reports usage in every chunk (vLLM's continuous usage stats).
    ['a running usage count', { type: 'usage', usage: USAGE }],
  ])(
    'keeps interleaved parallel calls whole when %s arrives before their arguments are',
    async (_what, between) => {
      const { ai } = await clientServing(
        encode([
          start,
          { type: 'tool_call_start', index: 0, id: 'call_0', name: 'get_weather' },
          { type: 'tool_call_start', index: 1, id: 'call_1', name: 'get_time' },
          { type: 'tool_call_delta', index: 0, arguments: '{"city":' },
          { type: 'tool_call_delta', index: 1, arguments: '{"tz":' },
          between,
          { type: 'tool_call_delta', index: 0, arguments: ' "Paris"}' },
          between,
          { type: 'tool_call_delta', index: 1, arguments: ' "UTC"}' },
          { type: 'finish', finishReason: 'tool_calls' },
          { type: 'usage', usage: USAGE },
        ]),
      );
      const chunks = await collect(ai);
      expect(chunks.flatMap((chunk) => chunk.functionCalls ?? [])).toEqual([
        { id: 'call_0', name: 'get_weather', args: { city: 'Paris' } },
        { id: 'call_1', name: 'get_time', args: { tz: 'UTC' } },
      ]);
      expect(chunks.at(-1)?.candidates?.[0]?.finishReason).toBe('STOP');
      if (between.type === 'text_delta')
        expect(chunks.map((chunk) => chunk.text ?? '').join('')).toBe('meanwhilemeanwhile');
    },
  );

  // Mistral, Groq and GLM-style OpenAI-compatible servers send a call's whole arguments again after
  // its pieces; appended, `{…}{…}` is no JSON, and the call was left out as malformed.
  it('keeps a call whose upstream resends its whole arguments after them, and nothing after its object', async () => {
    const { ai } = await clientServing(
      encode([
        start,
        { type: 'tool_call_start', index: 0, id: 'c1', name: 'get_weather' },
        { type: 'tool_call_delta', index: 0, arguments: '{"city":' },
        { type: 'tool_call_delta', index: 0, arguments: ' "Paris"}' },
        { type: 'tool_call_delta', index: 0, arguments: '{"city": "Paris"}' },
        { type: 'tool_call_start', index: 1, id: 'c2', name: 'get_time' },
        { type: 'tool_call_delta', index: 1, arguments: '{"tz": "UTC"}{"tz": "UTC"}' },
        { type: 'finish', finishReason: 'tool_calls' },
      ]),
    );
    const chunks = await collect(ai);
    expect(chunks.flatMap((chunk) => chunk.functionCalls ?? [])).toEqual([
      { id: 'c1', name: 'get_weather', args: { city: 'Paris' } },
      { id: 'c2', name: 'get_time', args: { tz: 'UTC' } },
    ]);
    expect(chunks.at(-1)?.candidates?.[0]?.finishReason).toBe('STOP');
  });

  it('ends a call whose arguments are not JSON as Gemini does: left out, MALFORMED_FUNCTION_CALL', async () => {
    const { ai } = await clientServing(
      encode([
        start,
        { type: 'tool_call_start', index: 0, id: 'c1', name: 'get_weather' },
        { type: 'tool_call_delta', index: 0, arguments: '{"city": Paris}' },
        { type: 'finish', finishReason: 'tool_calls' },
      ]),
    );
    const chunks = await collect(ai);
    expect(chunks.flatMap((chunk) => chunk.functionCalls ?? [])).toEqual([]);
    expect(chunks.at(-1)?.candidates?.[0]?.finishReason).toBe('MALFORMED_FUNCTION_CALL');
  });

  // The upstream's length limit cut the call mid-arguments: Gemini says MAX_TOKENS then, and a call
  // with half its arguments is no call to run.
  it('ends a call its arguments cut by the length limit with MAX_TOKENS, the cut call left out', async () => {
    const sse = encode([
      start,
      { type: 'tool_call_start', index: 0, id: 'c1', name: 'get_time' },
      { type: 'tool_call_delta', index: 0, arguments: '{"tz": "UTC"}' },
      { type: 'tool_call_start', index: 1, id: 'c2', name: 'get_weather' },
      { type: 'tool_call_delta', index: 1, arguments: '{"city": "Par' },
      { type: 'finish', finishReason: 'length' },
    ]);
    expect(sse).not.toContain('finishMessage');
    const { ai } = await clientServing(sse);
    const chunks = await collect(ai);
    expect(chunks.flatMap((chunk) => chunk.functionCalls ?? [])).toEqual([
      { id: 'c1', name: 'get_time', args: { tz: 'UTC' } },
    ]);
    expect(chunks.at(-1)?.candidates?.[0]?.finishReason).toBe('MAX_TOKENS');
  });

  // A model's slip (a bare string, an array, text) can never close an object: the calls behind it
  // go out as soon as they are whole, not at the end of the stream.
  it.each([
    ['a bare JSON string', ['"hel', 'lo"']],
    ['an array', ['[1, ', '2]']],
    ['text that is not JSON', ['hello ', 'world']],
  ])('does not hold the calls behind a call whose arguments are %s', async (_name, pieces) => {
    const encoder = new GeminiStreamEncoder();
    const early = (
      [
        start,
        { type: 'tool_call_start', index: 0, id: 'c1', name: 'slip' },
        { type: 'tool_call_start', index: 1, id: 'c2', name: 'get_time' },
        ...pieces.map((piece) => ({ type: 'tool_call_delta' as const, index: 0, arguments: piece })),
        { type: 'tool_call_delta', index: 1, arguments: '{"tz":"UTC"}' },
        { type: 'usage', usage: USAGE },
      ] satisfies CanonicalStreamEvent[]
    )
      .map((event) => encoder.encode(event))
      .join('');
    expect(early).toContain('"name":"get_time"');
    const rest = encoder.encode({ type: 'finish', finishReason: 'tool_calls' }) + encoder.finish();
    // The whole slip is named, though the call was settled at its first piece.
    expect(rest).toContain(
      JSON.stringify({ finishMessage: `Malformed function call: slip(${pieces.join('')})` }).slice(1, -1),
    );
    const { ai } = await clientServing(early + rest);
    const chunks = await collect(ai);
    expect(chunks.flatMap((chunk) => chunk.functionCalls ?? [])).toEqual([
      { id: 'c2', name: 'get_time', args: { tz: 'UTC' } },
    ]);
    expect(chunks.at(-1)?.candidates?.[0]?.finishReason).toBe('MALFORMED_FUNCTION_CALL');
  });

  it('lets a chat session record the streamed turn in its history', async () => {
    const { ai } = await clientServing(
      encode([
        start,
        { type: 'text_delta', text: 'Hello' },
        { type: 'text_delta', text: ' there' },
        { type: 'finish', finishReason: 'stop' },
      ]),
    );
    const chat = ai.chats.create({ model: 'gemini-2.5-flash' });
    for await (const chunk of await chat.sendMessageStream({ message: 'Hi' })) void chunk;
    const history = chat.getHistory(true);
    expect(history.map((content) => content.role)).toEqual(['user', 'model', 'model', 'model']);
  });

  it('breaks a failed stream with an error the SDK throws, never a finish reason', async () => {
    const sse = encode([start, { type: 'text_delta', text: 'Once' }], {
      fail: 'The upstream dropped the stream.',
    });
    expect(sse).not.toContain('finishReason');
    const { ai } = await clientServing(sse);
    const seen: string[] = [];
    const failure = (async () => {
      for await (const chunk of await ai.models.generateContentStream({
        model: 'gemini-2.5-flash',
        contents: 'Hi',
      })) {
        seen.push(chunk.text ?? '');
      }
    })();
    await expect(failure).rejects.toBeInstanceOf((await genai()).ApiError);
    await expect(failure).rejects.toMatchObject({ status: 500 });
    expect(seen).toEqual(['Once']);
  });
});
