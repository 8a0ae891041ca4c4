import type { CompletionPlan } from './completion-plan';
import { chunkRanges, type TokenRange } from './stream-steps';

/** Everything a chat answer, streamed or not, is built from. */
export interface ChatAnswer {
  id: string;
  created: number;
  model: string;
  choices: number;
  plan: CompletionPlan;
  /** Content chunks per choice in a stream (unset: one per token). */
  chunks: number | undefined;
  /** Name of the tool to call, when the answer is a tool call. */
  toolName: string | undefined;
  nullContent: boolean;
  includeUsage: boolean;
}

export function toolCallId(answer: ChatAnswer, choice: number): string {
  return `call_${answer.id}_${choice}`;
}

/** The token ranges a stream sends as content (or tool-call argument) chunks. */
export function streamedRanges(answer: ChatAnswer): TokenRange[] {
  const { tokens } = answer.plan;
  // Arguments are sent even for zero tokens: `{"mock":""}` keeps them valid JSON.
  if (answer.toolName !== undefined && tokens === 0) return [{ start: 0, end: 0 }];
  if (answer.toolName === undefined && answer.nullContent) return [];
  return chunkRanges(tokens, answer.chunks);
}
