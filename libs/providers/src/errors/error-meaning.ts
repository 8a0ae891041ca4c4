// What a client error from any upstream means, whatever dialect said it: the few meanings a client
// acts on by code rather than by status (a prompt past the model's context, a model the upstream
// does not know). Translated formats answer with these instead of the upstream's own words for them.
import type { UpstreamError } from './upstream-error';

/**
 * The words of each dialect for a prompt longer than the model's context:
 * - OpenAI: code `context_length_exceeded`; compatible servers: "maximum context length" (vLLM, DeepSeek,
 *   Mistral), "exceeds the available context size" (llama.cpp);
 * - Anthropic: "prompt is too long: 215000 tokens > 200000 maximum", "input length and `max_tokens`
 *   exceed context limit: …";
 * - Gemini: "The input token count (1048577) exceeds the maximum number of tokens allowed (1048576)".
 */
const CONTEXT_LENGTH_WORDS = [
  /prompt is too long/i,
  /exceeds? (?:the )?(?:model's )?(?:maximum )?context (?:length|limit|window)/i,
  /maximum context length/i,
  /input token count .*exceeds the maximum/i,
  /exceeds? the available context size/i, // llama.cpp
];

export function isContextLengthError(error: UpstreamError): boolean {
  if (error.code === 'context_length_exceeded') return true;
  const message = error.message ?? '';
  return CONTEXT_LENGTH_WORDS.some((words) => words.test(message));
}
