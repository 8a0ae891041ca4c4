// Token counts the gateway makes itself: the billing fallback when an upstream reports no usage, and
// the count_tokens routes (holds use prompt-bound.ts, which needs no tokenizer). They use OpenAI's
// o200k_base encoding for every provider, so they are approximations (close for OpenAI models,
// rougher for others), and are recorded with usageSource 'counted' so nobody mistakes them for the
// upstream's numbers.
import type * as O200k from 'gpt-tokenizer/encoding/o200k_base';
import type { CanonicalPart, CanonicalRequest } from '../canonical/canonical-model';
import { isJsonObject } from '../json/json-object';
import type { ChatMessage } from '../openai/chat-messages';
import type { ChatCompletionBody, PromptInput } from '../openai/request';

/**
 * The chat format's framing per message (OpenAI's cookbook: `<|start|>{role}\n…<|end|>`); the
 * role's own tokens are counted on top, and a `name` costs one more.
 */
export const TOKENS_PER_MESSAGE = 3;
export const TOKENS_PER_NAME = 1;
/** Every reply is primed with `<|start|>assistant<|message|>`. */
export const REPLY_PRIMING_TOKENS = 3;
/**
 * An image, audio or file part is billed by the provider from its pixels or seconds, which the
 * gateway does not decode; a flat charge (OpenAI's low-detail image base) keeps holds non-zero.
 */
export const NON_TEXT_PART_TOKENS = 85;

/**
 * The o200k tables take tens of MB once loaded (35 MB of the worker's RSS): they are loaded at the
 * first count, so a process that never counts (the worker, whose probes only import this library)
 * never pays for them (issue #16).
 */
let o200k: typeof O200k.countTokens | undefined;

/** Whether this process has loaded the tokenizer's tables (tests check the hot path never does). */
export function tokenizerLoaded(): boolean {
  return o200k !== undefined;
}

function countTokens(text: string, options: Parameters<typeof O200k.countTokens>[1]): number {
  o200k ??= (require('gpt-tokenizer/encoding/o200k_base') as typeof O200k).countTokens;
  return o200k(text, options);
}

// User text may contain `<|endoftext|>` and friends; they are text here, never control tokens.
const AS_PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

/**
 * The tokenizer's merge step is quadratic in the length of one pre-token, and a run of letters,
 * CJK characters, punctuation or whitespace is one pre-token: 10k Chinese characters without
 * punctuation take a second. Runs longer than this are counted in slices of this size instead
 * (the count barely changes: such runs tokenize in pieces much shorter than a slice).
 */
const MAX_RUN = 128;
const LONG_RUN = new RegExp(`\\S{${MAX_RUN + 1},}|\\s{${MAX_RUN + 1},}`, 'g');

/** Tokens in a text, in time linear in its length whatever its content. */
export function countTextTokens(text: string): number {
  if (text.length <= MAX_RUN) return countTokens(text, AS_PLAIN_TEXT);
  let total = 0;
  let last = 0;
  for (const run of text.matchAll(LONG_RUN)) {
    if (run.index > last) total += countTokens(text.slice(last, run.index), AS_PLAIN_TEXT);
    total += countInSlices(run[0]);
    last = run.index + run[0].length;
  }
  if (last < text.length) total += countTokens(text.slice(last), AS_PLAIN_TEXT);
  return total;
}

function countInSlices(run: string): number {
  let total = 0;
  for (let start = 0; start < run.length;) {
    let end = Math.min(start + MAX_RUN, run.length);
    // Never cut a surrogate pair: half an emoji would count as a replacement character.
    if (end < run.length && isLowSurrogate(run.charCodeAt(end))) end--;
    total += countTokens(run.slice(start, end), AS_PLAIN_TEXT);
    start = end;
  }
  return total;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/**
 * Prompt tokens of a chat request: per message the framing, role, name, text of the content
 * (string or text/refusal parts; other parts at NON_TEXT_PART_TOKENS each) and the names and
 * arguments of tool calls; plus the JSON of the tool definitions and the reply priming.
 * Ids (tool_call_id, tool call ids) are not counted.
 */
export function countChatPromptTokens(body: ChatCompletionBody): number {
  let total = REPLY_PRIMING_TOKENS;
  for (const message of body.messages) {
    total += TOKENS_PER_MESSAGE + countTextTokens(message.role);
    if (typeof message.name === 'string') total += TOKENS_PER_NAME + countTextTokens(message.name);
    total += countContentTokens(message.content);
    for (const call of message.tool_calls ?? []) {
      if (isJsonObject(call.function)) {
        total += countTextTokens(call.function.name) + countTextTokens(call.function.arguments);
      }
    }
  }
  if (Array.isArray(body.tools) && body.tools.length > 0)
    total += countTextTokens(JSON.stringify(body.tools));
  return total;
}

/**
 * The same estimate for a canonical request (the /v1/messages, Responses and Gemini ingresses):
 * OpenAI's per-message framing, whatever framing the upstream will add.
 */
export function countCanonicalPromptTokens(request: CanonicalRequest): number {
  let total = REPLY_PRIMING_TOKENS;
  for (const text of request.system) total += TOKENS_PER_MESSAGE + countTextTokens(text.text);
  for (const message of request.messages) {
    total += TOKENS_PER_MESSAGE + countTextTokens(message.role);
    for (const part of message.content) total += countPartTokens(part);
  }
  if (request.tools.length > 0) total += countTextTokens(JSON.stringify(request.tools));
  return total;
}

function countPartTokens(part: CanonicalPart): number {
  switch (part.type) {
    case 'text':
    case 'thinking':
      return countTextTokens(part.text);
    case 'tool_call':
      return countTextTokens(part.name) + countTextTokens(part.arguments);
    case 'tool_result':
      return part.content.reduce((sum, inner) => sum + countPartTokens(inner), 0);
    default:
      return NON_TEXT_PART_TOKENS;
  }
}

function countContentTokens(content: ChatMessage['content']): number {
  if (typeof content === 'string') return countTextTokens(content);
  if (!Array.isArray(content)) return 0;
  let total = 0;
  for (const part of content) {
    if (part.type === 'text' && typeof part.text === 'string') total += countTextTokens(part.text);
    else if (part.type === 'refusal' && typeof part['refusal'] === 'string') {
      total += countTextTokens(part['refusal']);
    } else total += NON_TEXT_PART_TOKENS;
  }
  return total;
}

/** Tokens of a legacy prompt or an embedding input: texts are tokenized, token ids counted. */
export function countPromptInputTokens(input: PromptInput): number {
  if (typeof input === 'string') return countTextTokens(input);
  let total = 0;
  for (const item of input) {
    if (typeof item === 'string') total += countTextTokens(item);
    else if (typeof item === 'number') total += 1;
    else total += item.length;
  }
  return total;
}

/** A tail without a safe cut (CJK text, a long word) longer than this is counted and let go. */
const MAX_TAIL = 256;
/**
 * Streamed text waits uncounted up to this many characters: most upstreams report usage at the
 * end, and then it is never counted, so a relayed stream needs no tokenizer (issue #16). Past it,
 * the text is counted and let go, so a stream holds no more than this of it.
 */
const DEFER_CHARS = 16 * 1024;

/**
 * Counts streamed completion text piece by piece without keeping more than DEFER_CHARS of it. In
 * o200k a single space between two non-space characters always starts a pre-token (` word`, ` !`,
 * ` ` before digits), and tokens never cross pre-tokens; so everything before the last such space
 * is counted at once and only the tail after it (at most MAX_TAIL characters) waits for the next
 * piece. For text with spaces the total equals counting the whole text; runs without them are off
 * by at most a token per MAX_TAIL characters.
 */
export class CompletionTokenCounter {
  private settled = 0;
  private tail = '';
  private unread = '';
  /** Texts counted on their own (tool names), not joined to the stream's text. */
  private wholes: string[] = [];
  private wholeChars = 0;

  add(piece: string): void {
    if (piece === '') return;
    this.unread += piece;
    if (this.unread.length > DEFER_CHARS) this.consume();
  }

  /** A text that arrives whole (a tool call's name): counted apart from the pieces. */
  addWhole(text: string): void {
    if (text === '') return;
    this.wholes.push(text);
    this.wholeChars += text.length;
    if (this.wholeChars > DEFER_CHARS) this.consumeWholes();
  }

  /** Tokens so far, the unfinished tail included; the count it gives does not change with reading. */
  get total(): number {
    this.consume();
    this.consumeWholes();
    return this.settled + (this.tail === '' ? 0 : countTextTokens(this.tail));
  }

  private consume(): void {
    if (this.unread === '') return;
    const text = this.tail + this.unread;
    this.unread = '';
    const cut = lastSafeCut(text);
    if (cut > 0) {
      this.settled += countTextTokens(text.slice(0, cut));
      this.tail = text.slice(cut);
    } else this.tail = text;
    if (this.tail.length > MAX_TAIL) {
      this.settled += countTextTokens(this.tail);
      this.tail = '';
    }
  }

  private consumeWholes(): void {
    for (const text of this.wholes) this.settled += countTextTokens(text);
    this.wholes = [];
    this.wholeChars = 0;
  }
}

/** Index of the last space with a non-space character on both sides; 0 when there is none. */
function lastSafeCut(text: string): number {
  for (let i = text.length - 2; i > 0; i--) {
    if (text.charCodeAt(i) === SPACE && !WHITESPACE.test(text[i - 1]) && !WHITESPACE.test(text[i + 1]))
      return i;
  }
  return 0;
}

const SPACE = 0x20;
const WHITESPACE = /\s/;
