// The gateway's own usage shape, whatever wire format the upstream spoke.

export interface Usage {
  promptTokens: number;
  /** Includes reasoning tokens, as OpenAI counts them. */
  completionTokens: number;
  /** Prompt tokens served from the provider's cache (part of promptTokens). */
  cachedTokens: number;
  /**
   * Prompt tokens written to the provider's cache (part of promptTokens, apart from cachedTokens);
   * 0 where the format reports none. Absent is 0.
   */
  cacheWriteTokens?: number;
  /** Completion tokens spent on reasoning (part of completionTokens). */
  reasoningTokens: number;
}

/** Where the numbers came from: the upstream's report, or the gateway's own tokenizer. */
export type UsageSource = 'upstream' | 'counted';

/**
 * The gateway's prompt count, billed only when the upstream reports no usage: a number, or a
 * function that counts when called (so a request whose upstream reports usage never loads the
 * tokenizer; issue #16).
 */
export type PromptCount = number | (() => number);

export function promptCountOf(count: PromptCount): number {
  return typeof count === 'number' ? count : count();
}
