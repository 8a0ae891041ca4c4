// The prompt side of a request's hold and of its tpm/tpd checks, from sizes alone: no tokenizer on the
// hot path (issue #16). Every figure here is meant to be at or above what a provider will count, and
// where it is not (rare scripts, a file whose content the gateway cannot see), the hold is still a
// ceiling: settlement charges at most what was held and records the rest (docs/design.md invariant 6).
import type { CanonicalPart, CanonicalRequest } from '../canonical/canonical-model';
import { isJsonObject } from '../json/json-object';
import { WAV_HEADER_BYTES, wavSeconds } from '../openai-media/wav-duration';
import type { ChatContentPart, ChatMessage } from '../openai/chat-messages';
import type { ChatCompletionBody, PromptInput } from '../openai/request';

/**
 * Text is held at one token per 2.5 UTF-8 bytes. No BPE token is shorter than one byte, so bytes
 * alone bound any count, but holding that much would refuse requests a balance covers. Measured
 * with o200k: English prose takes 3.9 bytes a token, code 3.4, dense JSON and long numbers 2.7,
 * Chinese and Japanese 5.8-6, Cyrillic 5.5, emoji and whitespace runs 3 (Claude's and Gemini's
 * tokenizers count English 10-30% higher, still under this). So the hold is above the real
 * prompt for almost all text (English by about half again); only random encodings (hex 1.7, base64
 * 1.5 bytes a token) fall below, and what they cost beyond the hold is written off, not charged.
 */
export const BYTES_PER_TOKEN = 2.5;
/** The chat framing of one message (OpenAI's `<|start|>{role}\n…<|end|>` is 3 plus the role). */
export const MESSAGE_OVERHEAD_TOKENS = 4;
/** Every reply is primed with `<|start|>assistant<|message|>`. */
export const REPLY_OVERHEAD_TOKENS = 3;
/**
 * The most one image in a prompt counts for among the providers the gateway serves, whatever its
 * size (the provider scales it down first):
 * - OpenAI GPT-4o high detail: 85 + 170 per 512-px tile, at most 8 tiles once fitted into
 *   2048 × 2048 and 768 px on its short side: 1,445 (OpenAI's vision guide, "Calculating costs");
 *   patch-based models (gpt-4.1-mini/nano, o4-mini): at most 1,536 32-px patches times the
 *   model's multiplier (1.62-2.46): 3,779 at most;
 * - Anthropic: width × height / 750, images past about 1.15 megapixels scaled down: about 1,600
 *   (Anthropic's vision guide);
 * - Gemini: 258 per image up to 384 px, else 258 per 768-px tile; 1,120 at Gemini 3's high media
 *   resolution (Gemini's token-counting guide).
 * gpt-4o-mini counts 2,833 + 5,667 per tile only to price its images like GPT-4o's: its cost per
 * image is the same, and an excess over this bound is written off, not charged.
 */
export const IMAGE_PART_TOKENS = 4096;
/**
 * Audio, from its size: a PCM WAV by its header's duration, other formats assumed to carry at least
 * 4 kbit/s (500 bytes a second). Speech codecs go well below 16 kbit/s (GSM 6.10 13, AMR-NB 4.75 to
 * 12.2, Opus 6 and up, MP3 8 and up, G.723.1 5.3): 4 kbit/s is below all of them, and only vocoders
 * (Speex's lowest modes, Codec2) carry more audio than this bound, whose excess is written off
 * (docs/design.md invariant 6). A second counts at most 50 tokens (OpenAI's audio models about 10,
 * Gemini 32).
 */
export const AUDIO_MIN_BYTES_PER_SECOND = 500;
export const AUDIO_TOKENS_PER_SECOND = 50;

/** Tokens a text counts at most (see BYTES_PER_TOKEN). */
export function textTokensBound(text: string): number {
  return text.length === 0 ? 0 : Math.ceil((Buffer.byteLength(text, 'utf8') * 2) / 5);
}

/** Where a base64 text's payload starts (after a `data:…;base64,` prefix, if any). */
function payloadStart(data: string): number {
  return data.startsWith('data:') ? data.indexOf(',') + 1 : 0;
}

/** The bytes a base64 text decodes to (line breaks aside, which only make it larger: a bound). */
function base64Bytes(data: string): number {
  const padding = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0;
  return Math.max(0, Math.floor(((data.length - payloadStart(data)) * 3) / 4) - padding);
}

/**
 * An audio clip given as base64, at most: a PCM WAV by the duration its header gives (read exactly
 * from its first 44 bytes), anything else by the longest its size can hold (AUDIO_MIN_BYTES_PER_SECOND).
 */
function audioTokensBound(data: string): number {
  const bytes = base64Bytes(data);
  const start = payloadStart(data);
  const head = Buffer.from(data.slice(start, start + Math.ceil(WAV_HEADER_BYTES / 3) * 4), 'base64');
  const seconds = wavSeconds(head, bytes) ?? bytes / AUDIO_MIN_BYTES_PER_SECOND;
  return Math.ceil(seconds) * AUDIO_TOKENS_PER_SECOND;
}

/**
 * The prompt of a chat request, at most: per message its framing, role, name and content, the
 * tool calls' names and arguments; the tool definitions' JSON, the legacy functions' and a
 * structured output's schema (OpenAI bills both as input); the reply's priming.
 */
export function chatPromptTokensBound(body: ChatCompletionBody): number {
  let total = REPLY_OVERHEAD_TOKENS;
  for (const message of body.messages) {
    total += MESSAGE_OVERHEAD_TOKENS + textTokensBound(message.role);
    if (typeof message.name === 'string') total += 1 + textTokensBound(message.name);
    total += contentTokensBound(message.content);
    for (const call of message.tool_calls ?? []) {
      if (isJsonObject(call.function)) {
        total += textTokensBound(call.function.name) + textTokensBound(call.function.arguments);
      }
    }
  }
  if (Array.isArray(body.tools) && body.tools.length > 0) {
    total += textTokensBound(JSON.stringify(body.tools));
  }
  if (Array.isArray(body['functions']) && body['functions'].length > 0) {
    total += textTokensBound(JSON.stringify(body['functions']));
  }
  if (isJsonObject(body.response_format)) total += textTokensBound(JSON.stringify(body.response_format));
  return total;
}

/**
 * The output a chat request's predicted output may add, at most: OpenAI bills the prediction's
 * tokens it rejects as completion tokens, beyond max_tokens.
 */
export function predictionTokensBound(body: ChatCompletionBody): number {
  const prediction = body['prediction'];
  if (!isJsonObject(prediction)) return 0;
  const content = prediction['content'];
  if (typeof content === 'string') return textTokensBound(content);
  return Array.isArray(content) ? textTokensBound(JSON.stringify(content)) : 0;
}

function contentTokensBound(content: ChatMessage['content']): number {
  if (typeof content === 'string') return textTokensBound(content);
  if (!Array.isArray(content)) return 0;
  return content.reduce((sum, part) => sum + chatPartTokensBound(part), 0);
}

function chatPartTokensBound(part: ChatContentPart): number {
  switch (part.type) {
    case 'text':
      return typeof part.text === 'string' ? textTokensBound(part.text) : 0;
    case 'refusal':
      return typeof part['refusal'] === 'string' ? textTokensBound(part['refusal']) : 0;
    case 'image_url':
      return IMAGE_PART_TOKENS;
    case 'input_audio': {
      const audio = part['input_audio'];
      const data = isJsonObject(audio) && typeof audio['data'] === 'string' ? audio['data'] : '';
      return audioTokensBound(data);
    }
    default:
      // A file (a PDF is read as text and an image per page) or a vendor's part. A PDF's count has
      // no bound in its size (a page of a kilobyte may count thousands), so it is held at one
      // image's worth plus any text the part carries, and what its pages count beyond that is
      // written off, not charged (docs/design.md, Money).
      return IMAGE_PART_TOKENS + (typeof part.text === 'string' ? textTokensBound(part.text) : 0);
  }
}

/** The same bound for a canonical request (the /v1/messages, Responses and Gemini ingresses). */
export function canonicalPromptTokensBound(request: CanonicalRequest): number {
  let total = REPLY_OVERHEAD_TOKENS;
  for (const text of request.system) total += MESSAGE_OVERHEAD_TOKENS + textTokensBound(text.text);
  for (const message of request.messages) {
    total += MESSAGE_OVERHEAD_TOKENS + textTokensBound(message.role);
    for (const part of message.content) total += canonicalPartTokensBound(part);
  }
  if (request.tools.length > 0) total += textTokensBound(JSON.stringify(request.tools));
  if (request.responseFormat) total += textTokensBound(JSON.stringify(request.responseFormat));
  return total;
}

function canonicalPartTokensBound(part: CanonicalPart): number {
  switch (part.type) {
    case 'text':
      return textTokensBound(part.text);
    case 'thinking':
      return textTokensBound(part.text) + textTokensBound(part.redacted ?? '');
    case 'tool_call':
      return textTokensBound(part.name) + textTokensBound(part.arguments);
    case 'tool_result':
      return part.content.reduce((sum, inner) => sum + canonicalPartTokensBound(inner), 0);
    case 'image':
      return IMAGE_PART_TOKENS;
  }
}

/** A legacy prompt or an embedding input, at most: texts by their bytes, token ids one each. */
export function promptInputTokensBound(input: PromptInput): number {
  if (typeof input === 'string') return textTokensBound(input);
  let total = 0;
  for (const item of input) {
    if (typeof item === 'string') total += textTokensBound(item);
    else if (typeof item === 'number') total += 1;
    else total += item.length;
  }
  return total;
}
