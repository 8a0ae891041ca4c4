import type { ThinkingPlan } from '../completion-plan';
import type { PromptSplit } from '../mock-response';

/** Everything a Gemini response, streamed or not, is built from. */
export interface GeminiAnswer {
  responseId: string;
  model: string;
  prompt: PromptSplit;
  /** `plan.thinking` is 0 unless the request includes thoughts. */
  plan: ThinkingPlan;
  /** The function to call (`tool=1` and the request declares functions). */
  functionName: string | undefined;
  /** `null=1`: no answer text. */
  nullContent: boolean;
  chunks: number | undefined;
  usage: boolean;
  /** `safety=1`: the answer stops at once with SAFETY (thoughts still come). */
  safety: boolean;
  /** `blocked=1`: the prompt is refused, no candidate at all. */
  blocked: boolean;
  /** `malformed=1`: the answer stops at once with MALFORMED_FUNCTION_CALL (thoughts still come). */
  malformed: boolean;
}

const SAFETY_RATINGS = [{ category: 'HARM_CATEGORY_DANGEROUS_CONTENT', probability: 'HIGH', blocked: true }];

/** Whether the answer stops before any of its own content (a safety stop, a call Gemini could not parse). */
export function stopsAtOnce(answer: GeminiAnswer): boolean {
  return answer.safety || answer.malformed;
}

/** The answer's own tokens: none after a stop at once or a blocked prompt. */
export function candidateTokens(answer: GeminiAnswer): number {
  return stopsAtOnce(answer) || answer.blocked ? 0 : answer.plan.text.tokens;
}

export function thoughtTokens(answer: GeminiAnswer): number {
  return answer.blocked ? 0 : answer.plan.thinking;
}

export function finishReason(answer: GeminiAnswer): string {
  if (answer.safety) return 'SAFETY';
  if (answer.malformed) return 'MALFORMED_FUNCTION_CALL';
  if (answer.functionName === undefined && answer.plan.text.finishReason === 'length') return 'MAX_TOKENS';
  return 'STOP';
}

/** The finish of the (only) candidate, with the ratings that explain a safety stop. */
export function finishedCandidate(answer: GeminiAnswer): object {
  return {
    finishReason: finishReason(answer),
    index: 0,
    ...(answer.safety ? { safetyRatings: SAFETY_RATINGS } : {}),
    ...(answer.malformed ? { finishMessage: 'Malformed function call: print(default_api.f(' } : {}),
  };
}

/**
 * `usageMetadata` in Google's JSON, where zero counts are left out (proto3): `promptTokenCount`
 * includes `cachedContentTokenCount`; `totalTokenCount` adds candidates and thoughts.
 * `final` false gives what the stream's earlier chunks carry: the prompt only.
 */
export function usageMetadata(answer: GeminiAnswer, final: boolean): object {
  const prompt = answer.prompt.total;
  const candidates = final ? candidateTokens(answer) : 0;
  const thoughts = final ? thoughtTokens(answer) : 0;
  const counts: Record<string, unknown> = {
    promptTokenCount: prompt,
    candidatesTokenCount: candidates,
    totalTokenCount: prompt + candidates + thoughts,
    cachedContentTokenCount: answer.prompt.cacheRead,
    thoughtsTokenCount: thoughts,
  };
  const usage = Object.fromEntries(Object.entries(counts).filter(([, count]) => count !== 0));
  if (prompt > 0) usage['promptTokensDetails'] = [{ modality: 'TEXT', tokenCount: prompt }];
  return usage;
}

/** The fields every response (and stream chunk) ends with. */
export function responseTail(answer: GeminiAnswer, final: boolean): object {
  return {
    ...(answer.usage ? { usageMetadata: usageMetadata(answer, final) } : {}),
    modelVersion: answer.model,
    responseId: answer.responseId,
  };
}

export function blockedResponse(answer: GeminiAnswer): object {
  return {
    promptFeedback: { blockReason: 'SAFETY', safetyRatings: SAFETY_RATINGS },
    ...responseTail(answer, true),
  };
}
