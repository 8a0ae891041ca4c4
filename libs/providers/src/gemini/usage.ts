// Gemini's usageMetadata ↔ CanonicalUsage (OpenAI's convention). Gemini counts reasoning apart
// from the answer (`thoughtsTokenCount` is not in `candidatesTokenCount`), and the prompt count
// already includes the cached tokens; tokens of tool results the model fetched itself
// (`toolUsePromptTokenCount`) are input it is billed for, apart from `promptTokenCount`.
import type { CanonicalUsage } from '../canonical/canonical-model';
import { isJsonObject } from '../json/json-object';
import { boundedUsage } from '../usage/usage';
import type { GeminiUsageMetadata } from './gemini-wire';

const count = (value: unknown): number =>
  typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;

/** Null when the answer carried no usageMetadata; each count at most MAX_USAGE_TOKENS once summed. */
export function canonicalUsage(metadata: unknown): CanonicalUsage | null {
  if (!isJsonObject(metadata)) return null;
  const thoughts = count(metadata['thoughtsTokenCount']);
  return boundedUsage({
    promptTokens: count(metadata['promptTokenCount']) + count(metadata['toolUsePromptTokenCount']),
    completionTokens: count(metadata['candidatesTokenCount']) + thoughts,
    cachedTokens: count(metadata['cachedContentTokenCount']),
    cacheWriteTokens: 0,
    reasoningTokens: thoughts,
  });
}

/** For a Gemini client: zero counts Gemini would leave out are left out. */
export function geminiUsageMetadata(usage: CanonicalUsage): GeminiUsageMetadata {
  const metadata: GeminiUsageMetadata = {
    promptTokenCount: usage.promptTokens,
    candidatesTokenCount: Math.max(0, usage.completionTokens - usage.reasoningTokens),
    totalTokenCount: usage.promptTokens + usage.completionTokens,
  };
  if (usage.cachedTokens > 0) metadata.cachedContentTokenCount = usage.cachedTokens;
  if (usage.reasoningTokens > 0) metadata.thoughtsTokenCount = usage.reasoningTokens;
  return metadata;
}
