import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CanonicalResponse } from '../canonical/canonical-model';
import { GeminiPromptBlockedError } from './error';
import { canonicalFinishReason } from './finish-reason';
import { decodeGeminiResponse, encodeGeminiResponse } from './response';
import { canonicalUsage } from './usage';

const fixture = (file: string): unknown =>
  JSON.parse(readFileSync(join(__dirname, '__fixtures__', file), 'utf8'));

describe('decodeGeminiResponse', () => {
  it('reads thoughts, text and a call (with a synthesized id and its signature) and every usage field', () => {
    expect(decodeGeminiResponse(fixture('response-tool-call.json'))).toEqual({
      id: 'mH5paK3eLqOz1dkP',
      model: 'gemini-2.5-pro',
      content: [
        {
          type: 'thinking',
          text: 'I should look up the weather.',
          signature: 'EpoBCpcBAdHtim8=',
          signedBy: 'gemini',
        },
        { type: 'text', text: 'Checking the weather.' },
        { type: 'thinking', text: '', signature: 'CiQB0e2Kb3Ab1Lk=', signedBy: 'gemini' },
        {
          type: 'tool_call',
          id: 'call_mH5paK3eLqOz1dkP_0',
          name: 'get_weather',
          arguments: '{"city":"Paris","when":{"day":"today"}}',
        },
      ],
      finishReason: 'tool_calls',
      // prompt 120 (100 of them cached) + 8 tool-use prompt; output 18 + 75 thoughts.
      usage: {
        promptTokens: 128,
        completionTokens: 93,
        cachedTokens: 100,
        cacheWriteTokens: 0,
        reasoningTokens: 75,
      },
    });
  });

  it('maps RECITATION to content_filter', () => {
    expect(decodeGeminiResponse(fixture('response-recitation.json')).finishReason).toBe('content_filter');
  });

  it("throws a blocked prompt as the client's error on `contents`", () => {
    const run = () => decodeGeminiResponse(fixture('response-blocked-prompt.json'));
    expect(run).toThrow(GeminiPromptBlockedError);
    expect(run).toThrow(expect.objectContaining({ param: 'contents', blockReason: 'SAFETY' }));
  });
});

describe('finish reasons', () => {
  it.each([
    ['STOP', false, 'stop'],
    ['STOP', true, 'tool_calls'],
    ['MAX_TOKENS', true, 'length'],
    ['SAFETY', false, 'content_filter'],
    ['RECITATION', false, 'content_filter'],
    ['BLOCKLIST', false, 'content_filter'],
    ['PROHIBITED_CONTENT', false, 'content_filter'],
    ['SPII', false, 'content_filter'],
    ['IMAGE_SAFETY', false, 'content_filter'],
    ['MALFORMED_FUNCTION_CALL', false, 'error'],
    ['SOMETHING_NEW', false, 'stop'],
    [undefined, false, null],
  ] as const)('%s (calls: %s) → %s', (reason, calledTools, expected) => {
    expect(canonicalFinishReason(reason, calledTools)).toBe(expected);
  });
});

describe('canonicalUsage', () => {
  it('counts tool-use prompt tokens as input and thoughts as output, and tolerates missing counts', () => {
    expect(
      canonicalUsage({
        promptTokenCount: 10,
        toolUsePromptTokenCount: 5,
        cachedContentTokenCount: 2,
        candidatesTokenCount: 3,
        thoughtsTokenCount: 4,
        totalTokenCount: 22,
      }),
    ).toEqual({
      promptTokens: 15,
      completionTokens: 7,
      cachedTokens: 2,
      cacheWriteTokens: 0,
      reasoningTokens: 4,
    });
    expect(canonicalUsage({ promptTokenCount: 9, totalTokenCount: 9 })).toEqual({
      promptTokens: 9,
      completionTokens: 0,
      cachedTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
    });
    expect(canonicalUsage(undefined)).toBeNull();
  });
});

describe('encodeGeminiResponse', () => {
  const answer: CanonicalResponse = {
    id: 'msg_01',
    model: 'claude-sonnet-4',
    content: [
      { type: 'thinking', text: 'Hmm.', signature: 'sig', signedBy: 'gemini' },
      { type: 'text', text: 'Calling.' },
      { type: 'tool_call', id: 'toolu_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
    ],
    finishReason: 'tool_calls',
    usage: {
      promptTokens: 50,
      completionTokens: 30,
      cachedTokens: 10,
      cacheWriteTokens: 5,
      reasoningTokens: 12,
    },
  };

  it('writes an answer the SDK reads: text, function calls, usage with thoughts apart', async () => {
    const { GenerateContentResponse } = await import('@google/genai');
    // The SDK warns that `text` skips the call; that is what is being checked.
    jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const body = encodeGeminiResponse(answer);
    const read = Object.assign(new GenerateContentResponse(), body);
    expect(read.text).toBe('Calling.');
    expect(read.functionCalls).toEqual([{ id: 'toolu_1', name: 'get_weather', args: { city: 'Paris' } }]);
    expect(body.candidates?.[0]).toMatchObject({ finishReason: 'STOP', index: 0 });
    expect(body.candidates?.[0]?.content?.parts?.[0]).toEqual({
      text: 'Hmm.',
      thought: true,
      thoughtSignature: 'sig',
    });
    expect(body.usageMetadata).toEqual({
      promptTokenCount: 50,
      cachedContentTokenCount: 10,
      candidatesTokenCount: 18,
      thoughtsTokenCount: 12,
      totalTokenCount: 80,
    });
    expect(decodeGeminiResponse(body)).toEqual({
      ...answer,
      usage: { ...answer.usage, cacheWriteTokens: 0 },
    });
  });

  it('leaves out a call with broken arguments and ends with MALFORMED_FUNCTION_CALL', () => {
    const body = encodeGeminiResponse({
      ...answer,
      content: [{ type: 'tool_call', id: 'c', name: 'f', arguments: '{"a":' }],
    });
    expect(body.candidates?.[0]).toMatchObject({
      content: { role: 'model', parts: [{ text: '' }] },
      finishReason: 'MALFORMED_FUNCTION_CALL',
      finishMessage: 'Malformed function call: f({"a":)',
    });
  });

  it('leaves out a call the length limit cut and ends with MAX_TOKENS, as Gemini does', () => {
    const body = encodeGeminiResponse({
      ...answer,
      content: [{ type: 'tool_call', id: 'c', name: 'f', arguments: '{"a":' }],
      finishReason: 'length',
    });
    expect(body.candidates?.[0]).toEqual({
      content: { role: 'model', parts: [{ text: '' }] },
      finishReason: 'MAX_TOKENS',
      index: 0,
    });
  });

  it.each([
    ['length', 'MAX_TOKENS'],
    ['content_filter', 'SAFETY'],
    ['refusal', 'SAFETY'],
    ['error', 'OTHER'],
    ['stop', 'STOP'],
  ] as const)('writes %s as %s', (finishReason, expected) => {
    expect(encodeGeminiResponse({ ...answer, content: [], finishReason }).candidates?.[0]?.finishReason).toBe(
      expected,
    );
  });
});
