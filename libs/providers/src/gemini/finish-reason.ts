// Gemini's finishReason ↔ CanonicalFinishReason. Gemini ends a turn that calls functions with STOP;
// the call itself says it was a tool call.
import type { CanonicalFinishReason } from '../canonical/canonical-model';

const FROM_GEMINI: Readonly<Record<string, CanonicalFinishReason>> = {
  STOP: 'stop',
  MAX_TOKENS: 'length',
  SAFETY: 'content_filter',
  RECITATION: 'content_filter',
  BLOCKLIST: 'content_filter',
  PROHIBITED_CONTENT: 'content_filter',
  SPII: 'content_filter',
  IMAGE_SAFETY: 'content_filter',
  IMAGE_PROHIBITED_CONTENT: 'content_filter',
  IMAGE_RECITATION: 'content_filter',
  LANGUAGE: 'content_filter',
  MALFORMED_FUNCTION_CALL: 'error',
  UNEXPECTED_TOOL_CALL: 'error',
  TOO_MANY_TOOL_CALLS: 'error',
  OTHER: 'error',
};

/**
 * Null while generation goes on (no reason yet). A reason Gemini adds later than this table
 * reads as `stop`: the answer is there, only why it ended is unknown.
 */
export function canonicalFinishReason(
  reason: string | undefined,
  calledTools: boolean,
): CanonicalFinishReason | null {
  if (reason === undefined || reason === '') return null;
  const mapped = FROM_GEMINI[reason] ?? 'stop';
  return mapped === 'stop' && calledTools ? 'tool_calls' : mapped;
}

const TO_GEMINI: Readonly<Record<CanonicalFinishReason, string>> = {
  stop: 'STOP',
  tool_calls: 'STOP',
  length: 'MAX_TOKENS',
  content_filter: 'SAFETY',
  refusal: 'SAFETY',
  pause: 'STOP',
  error: 'OTHER',
};

export function geminiFinishReason(reason: CanonicalFinishReason | null): string {
  return reason === null ? 'STOP' : TO_GEMINI[reason];
}

/** What Gemini answers when the model produced a call it could not parse; the encoders reuse it. */
export const MALFORMED_FUNCTION_CALL = 'MALFORMED_FUNCTION_CALL';
