// A non-stream generateContent answer, both ways: Gemini's answer → canonical (upstream side) and
// canonical → the answer a @google/genai client reads (ingress side). Only the first candidate
// counts: the gateway never asks for more (parseGeminiRequest refuses candidateCount > 1).
import type {
  CanonicalResponse,
  CanonicalText,
  CanonicalThinking,
  CanonicalToolCall,
} from '../canonical/canonical-model';
import { isJsonObject, type JsonObject } from '../json/json-object';
import { blockReasonOf, GeminiPromptBlockedError } from './error';
import { canonicalFinishReason, geminiFinishReason, MALFORMED_FUNCTION_CALL } from './finish-reason';
import type { GeminiCandidate, GeminiGenerateContentResponse, GeminiPart } from './gemini-wire';
import { CanonicalPartsBuilder, GEMINI_SIGNER, toGeminiParts, tryArgumentsObject } from './parts';
import { canonicalUsage, geminiUsageMetadata } from './usage';

type AnswerPart = CanonicalText | CanonicalToolCall | CanonicalThinking;

/**
 * Gemini's calls mostly come without ids; other formats need one that is unique in the conversation
 * (Anthropic refuses a repeated tool_use id), so it is derived from the answer's id and the call's
 * place in it. Characters other formats refuse in ids are dropped.
 */
export function syntheticCallId(responseId: string, index: number): string {
  const stem = responseId.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 24);
  return stem === '' ? `call_${index}` : `call_${stem}_${index}`;
}

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/**
 * Reads a model turn's parts into `builder`, leniently (an upstream's answer, not a client's
 * request): parts the canonical model has no place for (code execution, citations) are skipped.
 * Returns how many calls it read, numbering them from `firstCall`.
 */
export function readAnswerParts(
  parts: unknown,
  builder: CanonicalPartsBuilder<AnswerPart>,
  callId: (index: number) => string,
  firstCall = 0,
): number {
  let calls = 0;
  if (!Array.isArray(parts)) return 0;
  for (const part of parts) {
    if (!isJsonObject(part)) continue;
    const signature = str(part['thoughtSignature']);
    const call = part['functionCall'];
    if (isJsonObject(call) && typeof call['name'] === 'string') {
      const index = firstCall + calls++;
      const args = isJsonObject(call['args']) ? call['args'] : {};
      builder.toolCall(
        {
          type: 'tool_call',
          id: str(call['id']) ?? callId(index),
          name: call['name'],
          arguments: JSON.stringify(args),
        },
        signature,
      );
    } else if (typeof part['text'] === 'string') {
      if (part['thought'] === true) builder.thought(part['text'], signature);
      else builder.text(part['text'], signature);
    } else {
      builder.signature(signature);
    }
  }
  return calls;
}

export function decodeGeminiResponse(body: unknown): CanonicalResponse {
  const answer: JsonObject = isJsonObject(body) ? body : {};
  const candidates = Array.isArray(answer['candidates']) ? answer['candidates'] : [];
  const candidate = isJsonObject(candidates[0]) ? candidates[0] : null;
  const blocked = blockReasonOf(answer);
  if (blocked !== null && candidate === null)
    throw new GeminiPromptBlockedError(blocked.reason, blocked.message);
  const id = str(answer['responseId']) ?? '';
  const builder = new CanonicalPartsBuilder<AnswerPart>(GEMINI_SIGNER);
  const content = candidate !== null && isJsonObject(candidate['content']) ? candidate['content'] : {};
  const calls = readAnswerParts(content['parts'], builder, (index) => syntheticCallId(id, index));
  return {
    id,
    model: str(answer['modelVersion']) ?? '',
    content: builder.parts,
    finishReason: canonicalFinishReason(str(candidate?.['finishReason']), calls > 0),
    usage: canonicalUsage(answer['usageMetadata']),
  };
}

/** A call as a Gemini client gets it, or null when its arguments are not a JSON object. */
export function geminiFunctionCallPart(call: CanonicalToolCall): GeminiPart | null {
  const args = tryArgumentsObject(call.arguments);
  return args === null ? null : { functionCall: { id: call.id, name: call.name, args } };
}

/**
 * For a @google/genai client. A call whose arguments are not a JSON object (another format's
 * model wrote broken JSON) cannot be written as Gemini's `args`: it is left out and the answer
 * ends with MALFORMED_FUNCTION_CALL, as Gemini itself answers such a call; but with MAX_TOKENS when
 * the length limit ended the answer, since that is what cut the call (as Gemini says too).
 */
export function encodeGeminiResponse(response: CanonicalResponse): GeminiGenerateContentResponse {
  let malformed: string | null = null;
  const parts = toGeminiParts(response.content, (call) => {
    const part = geminiFunctionCallPart(call);
    if (part === null && response.finishReason !== 'length')
      malformed ??= `Malformed function call: ${call.name}(${call.arguments})`;
    return part;
  });
  const candidate: GeminiCandidate = {
    content: { role: 'model', parts: parts.length > 0 ? parts : [{ text: '' }] },
    finishReason: malformed === null ? geminiFinishReason(response.finishReason) : MALFORMED_FUNCTION_CALL,
    index: 0,
  };
  if (malformed !== null) candidate.finishMessage = malformed;
  return {
    candidates: [candidate],
    ...(response.usage === null ? {} : { usageMetadata: geminiUsageMetadata(response.usage) }),
    modelVersion: response.model,
    responseId: response.id,
  };
}
