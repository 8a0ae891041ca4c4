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

/**
 * The most tokens of one kind a request's usage may say: what a usage record stores (int4). No
 * model's context comes near it, so a larger count is an upstream's error; it is kept at this bound,
 * where the request is charged its whole hold and the rest written off (docs/design.md invariant 6),
 * rather than carried into a usage event the worker could not store.
 */
export const MAX_USAGE_TOKENS = 2_147_483_647;

/**
 * The usage with every count a whole number from 0 to MAX_USAGE_TOKENS (a fraction rounded down,
 * anything not a number 0), the parts no more than their wholes: the prompt (cache reads and writes
 * included) and the completion (reasoning included) are bounded after the readers have summed them.
 */
export function boundedUsage<U extends Usage>(usage: U): U {
  const promptTokens = tokenCount(usage.promptTokens);
  const completionTokens = tokenCount(usage.completionTokens);
  const cachedTokens = Math.min(tokenCount(usage.cachedTokens), promptTokens);
  return {
    ...usage,
    promptTokens,
    completionTokens,
    cachedTokens,
    ...(usage.cacheWriteTokens === undefined
      ? {}
      : { cacheWriteTokens: Math.min(tokenCount(usage.cacheWriteTokens), promptTokens - cachedTokens) }),
    reasoningTokens: Math.min(tokenCount(usage.reasoningTokens), completionTokens),
  };
}

function tokenCount(value: number): number {
  if (typeof value !== 'number' || Number.isNaN(value) || value <= 0) return 0;
  return Math.min(Math.floor(value), MAX_USAGE_TOKENS);
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
