import type { MockBehaviour } from './behaviour';
import { HttpError } from './http-error';

export type FinishReason = 'stop' | 'length';

export interface CompletionPlan {
  /** Tokens generated per choice. */
  tokens: number;
  finishReason: FinishReason;
}

/** Keeps one request from making the mock build hundreds of megabytes (n and tokens are each bounded, not their product). */
export const MAX_GENERATED_TOKENS = 1_000_000;

/** The behaviour's `tokens`, capped by the request's token limit; a cap that cuts the text ends it with `length`. */
export function planCompletion(
  behaviour: MockBehaviour,
  maxTokens: number | undefined,
  choices: number,
): CompletionPlan {
  const plan: CompletionPlan =
    maxTokens !== undefined && maxTokens < behaviour.tokens
      ? { tokens: maxTokens, finishReason: 'length' }
      : { tokens: behaviour.tokens, finishReason: 'stop' };
  if (plan.tokens * choices > MAX_GENERATED_TOKENS) {
    throw HttpError.invalidRequest(
      `The mock generates at most ${MAX_GENERATED_TOKENS} tokens per request (n × tokens).`,
      'n',
    );
  }
  return plan;
}

/** A single answer that may think first: thinking and text share the request's output budget, thinking first. */
export interface ThinkingPlan {
  /** Thinking tokens (0 when the request does not enable thinking). */
  thinking: number;
  /** The answer's own tokens, and whether the budget cut them. */
  text: CompletionPlan;
}

export function planThinkingCompletion(
  behaviour: MockBehaviour,
  maxTokens: number | undefined,
  thinkingEnabled: boolean,
): ThinkingPlan {
  const thinking = thinkingEnabled ? Math.min(behaviour.reasoning, maxTokens ?? behaviour.reasoning) : 0;
  const left = maxTokens === undefined ? undefined : maxTokens - thinking;
  return { thinking, text: planCompletion(behaviour, left, 1) };
}
