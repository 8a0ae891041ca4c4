// Thinking block signatures between Anthropic's wire and the canonical model. Anthropic verifies the
// signature of every thinking block a client sends back and refuses the request when one is not its
// own, so reasoning another format made (Gemini's thoughts, an OpenAI-compatible reasoning_content)
// cannot reach an Anthropic client with an empty or a foreign signature that the client will replay.
// The gateway signs such blocks with a mark of its own instead: an Anthropic signature is base64,
// which never contains `:`, so the mark cannot be mistaken for one. On the way back a marked block
// gives the canonical model its origin (and Gemini's own signature, which a Gemini channel needs
// again), and an Anthropic upstream is sent only the blocks Anthropic signed.
import type { CanonicalThinking } from '../canonical/canonical-model';
import { isJsonObject, type JsonObject } from '../json/json-object';

export const ANTHROPIC_SIGNER = 'anthropic';

const MARK = 'llm-gateway:';
/** The mark's origin when the reasoning came with no signature at all. */
const UNSIGNED = 'unsigned';

type Signed = Pick<CanonicalThinking, 'signature' | 'signedBy'>;

/** The `signature` an Anthropic client is given for a canonical thinking part. */
export function anthropicSignature({ signature, signedBy }: Signed): string {
  if (signedBy === ANTHROPIC_SIGNER && signature !== undefined && signature !== '') return signature;
  if (signature === undefined || signature === '') return `${MARK}${signedBy ?? UNSIGNED}:`;
  return `${MARK}${signedBy ?? UNSIGNED}:${signature}`;
}

/**
 * A client's `signature` → canonical. The gateway's mark gives back the origin and the signature
 * inside it; an empty signature is no signature; anything else is Anthropic's.
 */
export function readAnthropicSignature(text: string): Signed {
  if (text === '') return {};
  if (!text.startsWith(MARK)) return { signature: text, signedBy: ANTHROPIC_SIGNER };
  const rest = text.slice(MARK.length);
  const colon = rest.indexOf(':');
  const signedBy = colon < 0 ? rest : rest.slice(0, colon);
  const signature = colon < 0 ? '' : rest.slice(colon + 1);
  // A mark saying Anthropic is not Anthropic's signature: it could not have made it.
  if (signedBy === '' || signedBy === UNSIGNED || signedBy === ANTHROPIC_SIGNER) return {};
  return signature === '' ? { signedBy } : { signature, signedBy };
}

/** Whether an Anthropic upstream may be sent this thinking part: only a signature of its own verifies. */
export function isAnthropicSigned({ signature, signedBy }: Signed): boolean {
  return (
    signature !== undefined && signature !== '' && (signedBy === undefined || signedBy === ANTHROPIC_SIGNER)
  );
}

/** A client's thinking block whose signature Anthropic did not make (the gateway's mark, or none). */
function isForeignThinking(block: unknown): boolean {
  if (!isJsonObject(block) || block['type'] !== 'thinking') return false;
  const signature = block['signature'];
  return typeof signature !== 'string' || !isAnthropicSigned(readAnthropicSignature(signature));
}

/**
 * A /v1/messages body as an Anthropic channel may receive it when it passes through: the assistant
 * turns' thinking blocks that Anthropic did not sign are left out (as the canonical round trip does),
 * everything else is the client's, untouched. The same object when there is nothing to leave out.
 */
export function withoutForeignThinking(body: JsonObject): JsonObject {
  const messages = body['messages'];
  if (!Array.isArray(messages)) return body;
  let changed = false;
  const kept = messages.flatMap((message: unknown) => {
    if (!isJsonObject(message) || message['role'] !== 'assistant') return [message];
    const content = message['content'];
    if (!Array.isArray(content) || !content.some(isForeignThinking)) return [message];
    changed = true;
    const left = content.filter((block) => !isForeignThinking(block));
    // A turn that was only such thinking is left out: Anthropic refuses an empty turn, and reads
    // the turns around it as one.
    return left.length === 0 ? [] : [{ ...message, content: left }];
  });
  if (!changed) return body;
  const passed: JsonObject = { ...body, messages: kept };
  // What was left out may have been the thinking that a tool cycle's turn must start with: Anthropic
  // would refuse the request with thinking on, so it goes without (as a client that could not replay
  // its thinking must).
  const thinking = body['thinking'];
  const on = isJsonObject(thinking) && (thinking['type'] === 'enabled' || thinking['type'] === 'adaptive');
  // (The client's own tool choice is its own: only what the gateway left out is answered for here.)
  if (on && !thinkingAllowed(null, kept.filter(isJsonObject))) delete passed['thinking'];
  return passed;
}

/**
 * Whether Anthropic accepts thinking with this tool choice and these turns: a choice that forces tool
 * use refuses it, and so does a tool cycle (the last turn answers the assistant's tool use) whose
 * assistant turn does not start with a thinking block.
 */
export function thinkingAllowed(toolChoice: JsonObject | null, messages: readonly JsonObject[]): boolean {
  if (toolChoice !== null && (toolChoice['type'] === 'any' || toolChoice['type'] === 'tool')) return false;
  const blocks = (message: JsonObject | undefined): JsonObject[] =>
    Array.isArray(message?.['content']) ? (message['content'] as unknown[]).filter(isJsonObject) : [];
  const answered = messages[messages.length - 1];
  const asked = messages[messages.length - 2];
  if (answered?.['role'] !== 'user' || asked?.['role'] !== 'assistant') return true;
  const inCycle =
    blocks(answered).some((block) => block['type'] === 'tool_result') &&
    blocks(asked).some((block) => block['type'] === 'tool_use');
  const first = blocks(asked)[0]?.['type'];
  return !inCycle || first === 'thinking' || first === 'redacted_thinking';
}
