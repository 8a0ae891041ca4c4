import type { ThinkingPlan } from '../completion-plan';
import type { PromptSplit } from '../mock-response';

/** Everything an Anthropic message, streamed or not, is built from. */
export interface AnthropicAnswer {
  id: string;
  model: string;
  prompt: PromptSplit;
  plan: ThinkingPlan;
  /** The tool to call (`tool=1` and the request has tools). */
  toolName: string | undefined;
  /** `null=1`: no text block. */
  nullContent: boolean;
  /** Content deltas per block in a stream (unset: one per token). */
  chunks: number | undefined;
  /** `usage=0` leaves usage out. */
  usage: boolean;
}

export type BlockKind = 'thinking' | 'text' | 'tool_use';

/** The content blocks, in the order Claude sends them: thinking first, then the answer. */
export function blockKinds(answer: AnthropicAnswer): BlockKind[] {
  const kinds: BlockKind[] = answer.plan.thinking > 0 ? ['thinking'] : [];
  if (answer.toolName !== undefined) kinds.push('tool_use');
  else if (!answer.nullContent) kinds.push('text');
  return kinds;
}

export function stopReason(answer: AnthropicAnswer): string {
  if (answer.toolName !== undefined) return 'tool_use';
  return answer.plan.text.finishReason === 'length' ? 'max_tokens' : 'end_turn';
}

export function outputTokens(answer: AnthropicAnswer): number {
  return answer.plan.thinking + answer.plan.text.tokens;
}

export function toolUseId(answer: AnthropicAnswer): string {
  return `toolu_${answer.id}`;
}

/** A thinking block's signature: opaque base64, as the API's (which clients echo back, never read). */
export function thinkingSignature(answer: AnthropicAnswer): string {
  return Buffer.from(`mock-upstream thinking signature ${answer.id}`).toString('base64');
}

/** The `usage` object of a message (and of `message_start`, with the output so far). */
export function messageUsage(answer: AnthropicAnswer, output: number): object {
  return {
    input_tokens: answer.prompt.uncached,
    cache_creation_input_tokens: answer.prompt.cacheWrite,
    cache_read_input_tokens: answer.prompt.cacheRead,
    output_tokens: output,
    service_tier: 'standard',
  };
}
