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
  /** Names of the tools to call, in call order, when the answer is tool calls (parallel when more than one). */
  toolNames: string[] | undefined;
  nullContent: boolean;
  includeUsage: boolean;
}

/** Call 0 keeps the id a single call has always had; parallel calls add their number. */
export function toolCallId(answer: ChatAnswer, choice: number, call = 0): string {
  return call === 0 ? `call_${answer.id}_${choice}` : `call_${answer.id}_${choice}_${call}`;
}

/** Parallel calls' arguments start at different words, so no two read the same. */
export function toolArgumentsChoice(choice: number, call: number): number {
  return choice + call;
}

/** The token ranges a stream sends as content (or tool-call argument) chunks. */
export function streamedRanges(answer: ChatAnswer): TokenRange[] {
  const { tokens } = answer.plan;
  // Arguments are sent even for zero tokens: `{"mock":""}` keeps them valid JSON.
  if (answer.toolNames !== undefined && tokens === 0) return [{ start: 0, end: 0 }];
  if (answer.toolNames === undefined && answer.nullContent) return [];
  return chunkRanges(tokens, answer.chunks);
}
