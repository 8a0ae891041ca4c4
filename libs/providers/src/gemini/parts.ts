// Between Gemini parts and canonical parts, both ways, for what both the request and the answer
// carry (text, reasoning, function calls). Gemini streams a turn as many small parts and
// @google/genai keeps them that way in a chat's history, so adjacent text and adjacent thought
// parts are merged into one canonical part: same meaning, and what other formats expect.
import type { CanonicalPart, CanonicalThinking, CanonicalToolCall } from '../canonical/canonical-model';
import { isJsonObject, type JsonObject } from '../json/json-object';
import { RequestValidationError } from '../validation/request-validation-error';
import type { GeminiPart } from './gemini-wire';

/** The `signedBy` of thought signatures a Gemini upstream made (canonical-model.ts). */
export const GEMINI_SIGNER = 'gemini';

/**
 * Collects one canonical message's parts. A thought signature Gemini put on a non-thought part (a
 * function call, a text) becomes an empty thinking part carrying the signature just before it, and
 * `toGeminiParts` puts it back on the part that follows: Gemini 3 refuses a function call turn whose
 * signature moved.
 */
export class CanonicalPartsBuilder<P extends CanonicalPart = CanonicalPart> {
  readonly parts: P[] = [];
  /** Thinking parts that came from thought parts, and so may take more thought text. */
  private readonly openThoughts = new WeakSet<CanonicalThinking>();

  /**
   * `signedBy`: who made the signatures, when known (an upstream's answer is Gemini's own; a
   * client's replay may carry a signature the gateway relayed from another format).
   */
  constructor(private readonly signedBy?: string) {}

  text(text: string, signature: string | undefined): void {
    this.signature(signature);
    const last = this.parts.at(-1);
    if (last?.type === 'text' && signature === undefined) last.text += text;
    else this.parts.push({ type: 'text', text } as P);
  }

  thought(text: string, signature: string | undefined): void {
    const last = this.parts.at(-1);
    if (last?.type === 'thinking' && this.openThoughts.has(last)) {
      last.text += text;
      if (signature !== undefined) {
        Object.assign(last, this.signed(signature));
        this.openThoughts.delete(last);
      }
      return;
    }
    const thinking: CanonicalThinking = { type: 'thinking', text };
    if (signature !== undefined) Object.assign(thinking, this.signed(signature));
    else this.openThoughts.add(thinking);
    this.parts.push(thinking as P);
  }

  toolCall(call: CanonicalToolCall, signature: string | undefined): void {
    this.signature(signature);
    this.parts.push(call as P);
  }

  /** A signature on a part that is not a thought: kept as a text-less thinking part before it. */
  signature(signature: string | undefined): void {
    if (signature !== undefined)
      this.parts.push({ type: 'thinking', text: '', ...this.signed(signature) } as P);
  }

  private signed(signature: string): Pick<CanonicalThinking, 'signature' | 'signedBy'> {
    return this.signedBy === undefined ? { signature } : { signature, signedBy: this.signedBy };
  }

  /** Any other part (images, tool results): never merged. */
  push(part: P): void {
    this.parts.push(part);
  }
}

/**
 * Canonical arguments are JSON text; Gemini's `args` is an object. Empty text means no arguments
 * (some clients send `""` for a function without parameters); anything else that is not a JSON
 * object is refused naming the field, rather than sent as `{}`: a call the model never made.
 */
export function argumentsObject(text: string, path: string): JsonObject {
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new RequestValidationError(path, `Invalid '${path}': the function arguments are not valid JSON.`);
  }
  if (!isJsonObject(parsed)) {
    throw new RequestValidationError(
      path,
      `Invalid '${path}': the function arguments must be a JSON object.`,
    );
  }
  return parsed;
}

/** Arguments JSON text → object, or null when it is not a JSON object (an answer being encoded). */
export function tryArgumentsObject(text: string): JsonObject | null {
  try {
    return argumentsObject(text, 'arguments');
  } catch {
    return null;
  }
}

/**
 * Canonical assistant content → Gemini parts. A text-less thinking part with a signature gives its
 * signature to the part after it (see CanonicalPartsBuilder); Anthropic's redacted thinking has no
 * Gemini form and is dropped. `functionCall` renders a call (or returns null to leave it out).
 */
export function toGeminiParts(
  parts: readonly CanonicalPart[],
  functionCall: (call: CanonicalToolCall, index: number) => GeminiPart | null,
  other: (part: CanonicalPart, index: number) => GeminiPart[] = () => [],
): GeminiPart[] {
  const out: GeminiPart[] = [];
  let pendingSignature: string | undefined;
  const emit = (part: GeminiPart) => {
    if (pendingSignature !== undefined) {
      part.thoughtSignature = pendingSignature;
      pendingSignature = undefined;
    }
    out.push(part);
  };
  parts.forEach((part, index) => {
    switch (part.type) {
      case 'text':
        emit({ text: part.text });
        return;
      case 'thinking':
        if (part.redacted !== undefined && part.text === '') return;
        if (part.text === '' && part.signature !== undefined) {
          pendingSignature = part.signature;
          return;
        }
        emit({
          text: part.text,
          thought: true,
          ...(part.signature === undefined ? {} : { thoughtSignature: part.signature }),
        });
        return;
      case 'tool_call': {
        const rendered = functionCall(part, index);
        if (rendered !== null) emit(rendered);
        return;
      }
      default:
        other(part, index).forEach(emit);
    }
  });
  if (pendingSignature !== undefined)
    out.push({ text: '', thought: true, thoughtSignature: pendingSignature });
  return out;
}
