/**
 * The mock's tokenizer. A token is a run of non-whitespace characters (a "word"), so anyone can
 * recompute the mock's usage from a request or a response.
 *
 * - Completion tokens: the words the mock generated (see `generated-text.ts`), one per emitted piece.
 * - Chat prompt tokens: the words of every message's text + `TOKENS_PER_MESSAGE` per message.
 *   Text is a string `content` or the `text` of its `{type: "text"}` parts; other parts (images,
 *   audio), tool calls and names cost nothing.
 * - Legacy completion prompts and embedding inputs: the words of each string, or the number of
 *   token ids when the input is given as token ids (`number[]` or `number[][]`).
 * - Anthropic Messages: `system` counts as one message (its words + `TOKENS_PER_MESSAGE`), then
 *   each message likewise; text is a string content or `{type:"text"}` blocks, and a
 *   `tool_result` block's content (string or text blocks) counts as text too.
 * - Gemini: `systemInstruction` counts as one message, then each of `contents`; text is the
 *   `text` of its parts.
 * So the same conversation costs the same prompt tokens in every format.
 */
export const TOKENS_PER_MESSAGE = 3;

const WORD = /\S+/g;

export function countTokens(text: string): number {
  // exec() instead of match(): counting needs no array of the words.
  WORD.lastIndex = 0;
  let count = 0;
  while (WORD.exec(text) !== null) count++;
  return count;
}

export function countChatPromptTokens(messages: readonly unknown[]): number {
  let total = 0;
  for (const message of messages) {
    total += TOKENS_PER_MESSAGE;
    if (typeof message === 'object' && message !== null && 'content' in message) {
      total += countContentTokens(message.content);
    }
  }
  return total;
}

function countContentTokens(content: unknown, countToolResults = false): number {
  if (typeof content === 'string') return countTokens(content);
  if (!Array.isArray(content)) return 0;
  let total = 0;
  for (const part of content) {
    if (typeof part !== 'object' || part === null || !('type' in part)) continue;
    if (part.type === 'text' && 'text' in part && typeof part.text === 'string') {
      total += countTokens(part.text);
    } else if (countToolResults && part.type === 'tool_result' && 'content' in part) {
      total += countContentTokens(part.content);
    }
  }
  return total;
}

/** Prompt tokens of an Anthropic Messages request (`system` and `messages`). */
export function countAnthropicPromptTokens(system: unknown, messages: readonly unknown[]): number {
  let total = system === undefined || system === null ? 0 : TOKENS_PER_MESSAGE + countContentTokens(system);
  for (const message of messages) {
    total += TOKENS_PER_MESSAGE;
    if (typeof message === 'object' && message !== null && 'content' in message) {
      total += countContentTokens(message.content, true);
    }
  }
  return total;
}

/** Prompt tokens of a Gemini request (`systemInstruction` and `contents`). */
export function countGeminiPromptTokens(systemInstruction: unknown, contents: readonly unknown[]): number {
  let total = 0;
  const hasSystem = systemInstruction !== undefined && systemInstruction !== null;
  for (const content of hasSystem ? [systemInstruction, ...contents] : contents) {
    total += TOKENS_PER_MESSAGE;
    const parts = typeof content === 'object' && content !== null && 'parts' in content ? content.parts : [];
    if (!Array.isArray(parts)) continue;
    for (const part of parts) {
      if (typeof part === 'object' && part !== null && 'text' in part && typeof part.text === 'string') {
        total += countTokens(part.text);
      }
    }
  }
  return total;
}

/** Tokens of a legacy `prompt` or an embeddings `input`: a string, strings, token ids or lists of token ids. */
export function countPromptTokens(input: unknown): number {
  if (typeof input === 'string') return countTokens(input);
  if (typeof input === 'number') return 1;
  if (!Array.isArray(input)) return 0;
  let total = 0;
  for (const item of input) total += countPromptTokens(item);
  return total;
}
