// Anthropic's usage object ↔ CanonicalUsage. Anthropic counts `input_tokens` apart from the cache:
// the prompt is input + cache reads + cache writes, which is what CanonicalUsage.promptTokens holds.
import type { CanonicalUsage } from '../canonical/canonical-model';
import { isJsonObject, type JsonObject } from '../json/json-object';
import { boundedUsage } from '../usage/usage';

const count = (value: unknown): number =>
  typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;

/** The counters an Anthropic `usage` object (a Message's, or a `message_delta`'s) carries. */
export interface AnthropicUsageCounts {
  inputTokens: number;
  outputTokens: number;
  cacheReadInputTokens: number;
  cacheCreationInputTokens: number;
  /** `output_tokens_details.thinking_tokens` (part of output_tokens). */
  thinkingTokens: number;
}

export const NO_USAGE: AnthropicUsageCounts = {
  inputTokens: 0,
  outputTokens: 0,
  cacheReadInputTokens: 0,
  cacheCreationInputTokens: 0,
  thinkingTokens: 0,
};

/**
 * Reads a usage object over what was known before. A `message_delta`'s counters are cumulative
 * totals, and the ones that did not change may be absent or null: an absent one keeps its value.
 */
export function readAnthropicUsage(
  usage: unknown,
  before: AnthropicUsageCounts = NO_USAGE,
): AnthropicUsageCounts {
  if (!isJsonObject(usage)) return before;
  const pick = (value: unknown, previous: number) => (typeof value === 'number' ? count(value) : previous);
  const details = usage['output_tokens_details'];
  return {
    inputTokens: pick(usage['input_tokens'], before.inputTokens),
    outputTokens: pick(usage['output_tokens'], before.outputTokens),
    cacheReadInputTokens: pick(usage['cache_read_input_tokens'], before.cacheReadInputTokens),
    cacheCreationInputTokens: pick(usage['cache_creation_input_tokens'], before.cacheCreationInputTokens),
    thinkingTokens: isJsonObject(details)
      ? pick(details['thinking_tokens'], before.thinkingTokens)
      : before.thinkingTokens,
  };
}

/** Each count at most MAX_USAGE_TOKENS once summed (three cache parts may each fit and their sum not). */
export function toCanonicalUsage(counts: AnthropicUsageCounts): CanonicalUsage {
  return boundedUsage({
    promptTokens: counts.inputTokens + counts.cacheReadInputTokens + counts.cacheCreationInputTokens,
    completionTokens: counts.outputTokens,
    cachedTokens: counts.cacheReadInputTokens,
    cacheWriteTokens: counts.cacheCreationInputTokens,
    // Anthropic says thinking_tokens <= output_tokens; a server that breaks it must not make the
    // visible part negative downstream.
    reasoningTokens: Math.min(counts.thinkingTokens, counts.outputTokens),
  });
}

/** CanonicalUsage → Anthropic's `usage` object (the ingress side). */
export function anthropicUsage(usage: CanonicalUsage): JsonObject {
  return {
    input_tokens: Math.max(0, usage.promptTokens - usage.cachedTokens - usage.cacheWriteTokens),
    cache_creation_input_tokens: usage.cacheWriteTokens,
    cache_read_input_tokens: usage.cachedTokens,
    output_tokens: usage.completionTokens,
    ...(usage.reasoningTokens > 0
      ? { output_tokens_details: { thinking_tokens: usage.reasoningTokens } }
      : {}),
  };
}
