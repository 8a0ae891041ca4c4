// OpenAI's `usage` object → the gateway's Usage, tolerant of the parts providers leave out.
import { isJsonObject } from '../json/json-object';
import { boundedUsage, type Usage } from '../usage/usage';

/**
 * Reads `prompt_tokens`, `completion_tokens`, `prompt_tokens_details.cached_tokens` and
 * `completion_tokens_details.reasoning_tokens`; a missing number is 0, a missing
 * completion count is derived from `total_tokens` (embeddings report only prompt and total).
 * DeepSeek's `prompt_cache_hit_tokens` is read when the standard cached count is absent. Cache
 * writes are not an OpenAI field; OpenRouter-style servers report them as
 * `prompt_tokens_details.cache_write_tokens`.
 * Returns null when there is no usage object at all (`usage: null` included), and when it counts
 * nothing (`{}`, all zeros, or only values that are not counts): the gateway then counts itself.
 * A part is never more than its whole (cache reads and writes of the prompt, reasoning of the output),
 * and no count more than MAX_USAGE_TOKENS.
 */
export function parseOpenAiUsage(value: unknown): Usage | null {
  if (!isJsonObject(value)) return null;
  const promptTokens = count(value['prompt_tokens']) ?? 0;
  const total = count(value['total_tokens']);
  const completionTokens =
    count(value['completion_tokens']) ?? (total !== undefined ? Math.max(total - promptTokens, 0) : 0);
  const promptDetails = isJsonObject(value['prompt_tokens_details']) ? value['prompt_tokens_details'] : {};
  const completionDetails = isJsonObject(value['completion_tokens_details'])
    ? value['completion_tokens_details']
    : {};
  if (promptTokens === 0 && completionTokens === 0) return null;
  const cachedTokens = Math.min(
    count(promptDetails['cached_tokens']) ?? count(value['prompt_cache_hit_tokens']) ?? 0,
    promptTokens,
  );
  const cacheWrites = count(promptDetails['cache_write_tokens']);
  return boundedUsage({
    promptTokens,
    completionTokens,
    cachedTokens,
    // Left out unless reported (absent is 0), as OpenAI itself never reports it.
    ...(cacheWrites === undefined
      ? {}
      : { cacheWriteTokens: Math.min(cacheWrites, promptTokens - cachedTokens) }),
    reasoningTokens: Math.min(count(completionDetails['reasoning_tokens']) ?? 0, completionTokens),
  });
}

/** A token count as sent; anything else (negative, fractional, a string) is treated as missing. */
function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}
