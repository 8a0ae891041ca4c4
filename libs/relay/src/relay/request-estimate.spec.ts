// The hold's figures come from sizes alone: estimating a request, and relaying a stream whose
// upstream reports usage, never load the tokenizer (issue #16). This file's module registry starts
// without it, so each `tokenizerLoaded()` below says what the steps before it loaded.
import {
  chatPromptTokensBound,
  countChatPromptTokens,
  countTextTokens,
  IMAGE_PART_TOKENS,
  OpenAiStreamObserver,
  parseOpenAiRequest,
  tokenizerLoaded,
  type ChatCompletionBody,
} from '@gateway/providers';
import { estimateRequest } from './request-estimate';

const body = {
  model: 'm',
  messages: [
    { role: 'system', content: 'You are terse.' },
    {
      role: 'user',
      content: [
        { type: 'text', text: 'What is in this picture? Answer in one word.' },
        { type: 'image_url', image_url: { url: 'https://example.com/cat.png' } },
      ],
    },
  ],
  max_tokens: 30,
  n: 2,
};

const chunk = (data: object) => ({ event: undefined, data: JSON.stringify(data) }) as never;
const text = (content: string) =>
  chunk({ id: 'c', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content } }] });

describe('estimateRequest', () => {
  it('holds the prompt at its byte bound and the answer at max_tokens × n, without the tokenizer', () => {
    const estimate = estimateRequest(parseOpenAiRequest('chat.completions', body), 4096);
    expect(estimate.promptTokens).toBe(chatPromptTokensBound(body as ChatCompletionBody));
    expect(estimate.promptTokens).toBeGreaterThan(IMAGE_PART_TOKENS);
    expect(estimate).toMatchObject({
      completionCeiling: 60,
      heldOutputTokens: 30,
      estimatedTokens: estimate.promptTokens + 60,
    });
    expect(tokenizerLoaded()).toBe(false);
  });

  it('counts a stream whose upstream reports usage without the tokenizer', () => {
    const observer = new OpenAiStreamObserver({
      clientAskedForUsage: false,
      promptTokens: () => {
        throw new Error('the prompt must not be counted when the upstream reports usage');
      },
    });
    for (const piece of ['Hello', ' there', ', how', ' are you?']) observer.observe(text(piece));
    observer.observe(
      chunk({ choices: [], usage: { prompt_tokens: 7, completion_tokens: 5, total_tokens: 12 } }),
    );
    expect(observer.outcome()).toMatchObject({
      usage: { promptTokens: 7, completionTokens: 5 },
      usageSource: 'upstream',
    });
    expect(tokenizerLoaded()).toBe(false);
  });

  it('counts the prompt with the tokenizer, once, only when asked (an upstream without usage)', () => {
    const estimate = estimateRequest(parseOpenAiRequest('chat.completions', body), 4096);
    const exact = estimate.countPrompt();
    expect(tokenizerLoaded()).toBe(true);
    expect(exact).toBe(countChatPromptTokens(body as ChatCompletionBody));
    expect(estimate.countPrompt()).toBe(exact);
    const observer = new OpenAiStreamObserver({
      clientAskedForUsage: false,
      promptTokens: estimate.countPrompt,
    });
    for (const piece of ['Hello', ' there', ', how', ' are you?']) observer.observe(text(piece));
    expect(observer.outcome()).toMatchObject({
      usage: { promptTokens: exact, completionTokens: countTextTokens('Hello there, how are you?') },
      usageSource: 'counted',
    });
  });
});
