// Anthropic's stop_reason ↔ CanonicalFinishReason.
import type { CanonicalFinishReason } from '../canonical/canonical-model';

const FROM_ANTHROPIC: Record<string, CanonicalFinishReason> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  // The context window, not max_tokens, cut the answer: still an answer cut for length.
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  refusal: 'refusal',
  pause_turn: 'pause',
};

/** Null for a missing stop_reason; an unknown one (a future value) reads as a plain stop. */
export function fromAnthropicStopReason(stopReason: unknown): CanonicalFinishReason | null {
  if (typeof stopReason !== 'string') return null;
  return FROM_ANTHROPIC[stopReason] ?? 'stop';
}

const TO_ANTHROPIC: Record<CanonicalFinishReason, string> = {
  stop: 'end_turn',
  length: 'max_tokens',
  tool_calls: 'tool_use',
  // Anthropic's nearest: the model declined (Gemini SAFETY, OpenAI content_filter).
  content_filter: 'refusal',
  refusal: 'refusal',
  pause: 'pause_turn',
  // Ended without a reason Anthropic has (Gemini's MALFORMED_FUNCTION_CALL, OTHER): the turn is over,
  // as OpenAI's clients read it too. A message's stop_reason is never null.
  error: 'end_turn',
};

/** A finished answer's stop_reason; one whose upstream gave no reason ended all the same. */
export function toAnthropicStopReason(finishReason: CanonicalFinishReason | null): string {
  return TO_ANTHROPIC[finishReason ?? 'stop'];
}
