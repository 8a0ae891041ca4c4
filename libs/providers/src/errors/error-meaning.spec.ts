import { isContextLengthError } from './error-meaning';
import type { UpstreamError } from './upstream-error';

const said = (message: string | null, code: string | null = null): UpstreamError => ({
  message,
  code,
  type: null,
  param: null,
  reasons: [],
});

describe('isContextLengthError', () => {
  it.each([
    "This model's maximum context length is 4096 tokens. However, you requested 5000 tokens.", // vLLM, DeepSeek
    'Prompt contains 40000 tokens and 0 draft tokens, too large for model with 32768 maximum context length', // Mistral
    'prompt is too long: 215000 tokens > 200000 maximum', // Anthropic
    'input length and `max_tokens` exceed context limit: 188240 + 21333 > 200000', // Anthropic
    'The input token count (1048577) exceeds the maximum number of tokens allowed (1048576).', // Gemini
    'the request exceeds the available context size, try increasing it', // llama.cpp
  ])('reads %j as a prompt past the context', (message) => {
    expect(isContextLengthError(said(message))).toBe(true);
  });

  it("takes OpenAI's code whatever the message says", () => {
    expect(
      isContextLengthError(said('Please reduce the length of the messages.', 'context_length_exceeded')),
    ).toBe(true);
  });

  it.each([
    'Request contains an invalid argument.',
    'max_tokens: 300000 > 64000, which is the maximum allowed number of output tokens for claude-x',
    'messages: roles must alternate',
    null,
  ])('does not read %j as one', (message) => {
    expect(isContextLengthError(said(message))).toBe(false);
  });
});
