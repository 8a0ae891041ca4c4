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

function countContentTokens(content: unknown): number {
  if (typeof content === 'string') return countTokens(content);
  if (!Array.isArray(content)) return 0;
  let total = 0;
  for (const part of content) {
    if (
      typeof part === 'object' &&
      part !== null &&
      'type' in part &&
      part.type === 'text' &&
      'text' in part
    ) {
      if (typeof part.text === 'string') total += countTokens(part.text);
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
