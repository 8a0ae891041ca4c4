import type { CompletionPlan } from './completion-plan';
import type { ToolArgumentsForm } from './generated-text';
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
  /** A stream's argument chunks carry each call's arguments so far (`cumulativeArgs`). */
  cumulativeArgs: boolean;
  /** The first call's arguments are a bare string (`slipArgs`). */
  slipArgs: boolean;
  /** A `max_tokens` cut cuts the calls' arguments and ends with `length` (`toolCut`). */
  toolCut: boolean;
}

/** Whether the calls' arguments end cut by the token limit, unclosed. */
export function toolCallsCut(answer: ChatAnswer): boolean {
  return answer.toolCut && answer.plan.finishReason === 'length';
}

export function toolArgumentsForm(answer: ChatAnswer, call: number): ToolArgumentsForm {
  return { slip: answer.slipArgs && call === 0, cut: toolCallsCut(answer) };
}

/** A tool-call answer's finish reason: `tool_calls`, or `length` when the limit cut the calls. */
export function toolCallsFinishReason(answer: ChatAnswer): 'tool_calls' | 'length' {
  return toolCallsCut(answer) ? 'length' : 'tool_calls';
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
