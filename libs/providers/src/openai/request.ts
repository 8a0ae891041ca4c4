// Incoming OpenAI-compatible request bodies (chat completions, legacy completions, embeddings):
// validated field by field and returned in the internal form, which is the client's body itself,
// typed, with every unknown field kept: vendors' extra parameters must reach the upstream untouched.
import type { UpstreamTarget } from '../canonical/canonical-model';
import { isJsonObject, type JsonObject } from '../json/json-object';
import {
  MAX_OUTPUT_TOKENS,
  childPath,
  invalidType,
  isAbsent,
  missing,
  requireArray,
  requireBoolean,
  requireInteger,
  requireObject,
  requireOneOf,
  requireString,
} from '../validation/field-checks';
import { RequestValidationError } from '../validation/request-validation-error';
import { validateMessages, type ChatMessage } from './chat-messages';
import { configuredOutputTokensField, outputTokensField } from './output-tokens-field';
import {
  validateResponseFormat,
  validateToolChoice,
  validateTools,
  type ChatTool,
  type ChatToolChoice,
  type ResponseFormat,
} from './chat-tools';

export type OpenAiEndpoint = 'chat.completions' | 'completions' | 'embeddings';

/** Longer model names are not names; the limit keeps junk out of logs and usage records. */
export const MAX_MODEL_NAME_LENGTH = 256;
/** OpenAI's own limit on `n`. */
export const MAX_CHOICES = 128;

export interface StreamOptions {
  include_usage?: boolean;
  [field: string]: unknown;
}

interface StreamableBody {
  model: string;
  stream?: boolean | null;
  stream_options?: StreamOptions | null;
  [field: string]: unknown;
}

export interface ChatCompletionBody extends StreamableBody {
  messages: ChatMessage[];
  n?: number | null;
  max_tokens?: number | null;
  max_completion_tokens?: number | null;
  tools?: ChatTool[] | null;
  tool_choice?: ChatToolChoice | null;
  response_format?: ResponseFormat | null;
}

/** A legacy prompt: text, texts, token ids, or lists of token ids. */
export type PromptInput = string | string[] | number[] | number[][];

export interface CompletionBody extends StreamableBody {
  prompt: PromptInput;
  n?: number | null;
  best_of?: number | null;
  max_tokens?: number | null;
}

export interface EmbeddingBody {
  model: string;
  input: PromptInput;
  encoding_format?: 'float' | 'base64';
  dimensions?: number;
  [field: string]: unknown;
}

interface ParsedRequest<E extends OpenAiEndpoint, B> {
  endpoint: E;
  model: string;
  stream: boolean;
  /** The client's body, unchanged (no copy, no defaults filled in). */
  body: B;
}

export type ChatCompletionRequest = ParsedRequest<'chat.completions', ChatCompletionBody>;
export type CompletionRequest = ParsedRequest<'completions', CompletionBody>;
export type EmbeddingRequest = ParsedRequest<'embeddings', EmbeddingBody> & { stream: false };
export type OpenAiRequest = ChatCompletionRequest | CompletionRequest | EmbeddingRequest;

export function parseChatCompletionRequest(value: unknown): ChatCompletionRequest {
  const body = requireBody(value);
  const model = validateModel(body['model']);
  validateMessages(body['messages']);
  const stream = validateStreaming(body);
  if (!isAbsent(body['n'])) requireInteger(body['n'], 'n', { min: 1, max: MAX_CHOICES });
  for (const field of ['max_tokens', 'max_completion_tokens']) {
    if (!isAbsent(body[field])) requireInteger(body[field], field, { min: 1, max: MAX_OUTPUT_TOKENS });
  }
  if (!isAbsent(body['tools'])) validateTools(body['tools']);
  if (!isAbsent(body['tool_choice'])) validateToolChoice(body['tool_choice']);
  if (!isAbsent(body['response_format'])) validateResponseFormat(body['response_format']);
  return { endpoint: 'chat.completions', model, stream, body: body as ChatCompletionBody };
}

export function parseCompletionRequest(value: unknown): CompletionRequest {
  const body = requireBody(value);
  const model = validateModel(body['model']);
  validatePromptInput(body['prompt'], 'prompt');
  const stream = validateStreaming(body);
  if (!isAbsent(body['n'])) requireInteger(body['n'], 'n', { min: 1, max: MAX_CHOICES });
  // OpenAI generates (and bills) best_of answers and returns n of them: it may not be fewer.
  if (!isAbsent(body['best_of'])) {
    const n = isAbsent(body['n']) ? 1 : (body['n'] as number);
    requireInteger(body['best_of'], 'best_of', { min: n, max: MAX_CHOICES });
  }
  // 0 is legal here: with `echo` it scores the prompt without generating anything.
  if (!isAbsent(body['max_tokens'])) {
    requireInteger(body['max_tokens'], 'max_tokens', { min: 0, max: MAX_OUTPUT_TOKENS });
  }
  return { endpoint: 'completions', model, stream, body: body as CompletionBody };
}

export function parseEmbeddingRequest(value: unknown): EmbeddingRequest {
  const body = requireBody(value);
  const model = validateModel(body['model']);
  validatePromptInput(body['input'], 'input');
  if (!isAbsent(body['encoding_format'])) {
    requireOneOf(body['encoding_format'], 'encoding_format', ['float', 'base64']);
  }
  if (!isAbsent(body['dimensions'])) requireInteger(body['dimensions'], 'dimensions', { min: 1 });
  return { endpoint: 'embeddings', model, stream: false, body: body as EmbeddingBody };
}

export function parseOpenAiRequest(endpoint: OpenAiEndpoint, value: unknown): OpenAiRequest {
  switch (endpoint) {
    case 'chat.completions':
      return parseChatCompletionRequest(value);
    case 'completions':
      return parseCompletionRequest(value);
    case 'embeddings':
      return parseEmbeddingRequest(value);
  }
}

/**
 * The body to send upstream for a stream, with `stream_options.include_usage: true` so the upstream
 * reports usage (invariant 7), and whether the client had asked for it itself: if not, the relay
 * must drop the extra usage-only chunk. Non-stream bodies come back unchanged.
 */
export function withUsageRequested<B extends StreamableBody>(
  body: B,
): { body: B; clientAskedForUsage: boolean } {
  if (body.stream !== true) return { body, clientAskedForUsage: false };
  const options = isJsonObject(body.stream_options) ? body.stream_options : {};
  const clientAskedForUsage = options.include_usage === true;
  if (clientAskedForUsage) return { body, clientAskedForUsage };
  return { body: { ...body, stream_options: { ...options, include_usage: true } }, clientAskedForUsage };
}

/**
 * The body with an output ceiling of `held` tokens per answer when the client set none, in the field
 * the channel's settings or the upstream model (after mapping) call for (output-tokens-field.ts):
 * the hold must bound what the upstream may generate. 0 (the gateway holds nothing) leaves the
 * upstream's own default. A client's ceiling sent in the other field is moved to that one: an
 * o-series model refuses `max_tokens`, and many OpenAI-compatible servers (DeepSeek's) ignore
 * `max_completion_tokens` and write their own default length, which the hold did not cover. Where
 * names say nothing of the model (`namedByModel` false: Azure's deployments) only the channel's
 * setting moves it. Legacy completions know only `max_tokens`.
 */
export function withOutputCeiling<B extends ChatCompletionBody | CompletionBody>(
  body: B,
  upstreamModel: string,
  held: number,
  settings: UpstreamTarget['settings'] = {},
  namedByModel = true,
): B {
  const chat = 'messages' in body;
  const reads = !chat
    ? undefined
    : namedByModel
      ? outputTokensField(upstreamModel, settings)
      : configuredOutputTokensField(settings);
  const maxTokens = body.max_tokens;
  const maxCompletionTokens = body['max_completion_tokens'];
  if (reads !== undefined && isAbsent(maxTokens) !== isAbsent(maxCompletionTokens)) {
    const other = reads === 'max_tokens' ? 'max_completion_tokens' : 'max_tokens';
    if (isAbsent(body[reads])) {
      const { [other]: value, ...rest } = body as Record<string, unknown>;
      return { ...rest, [reads]: value } as B;
    }
  }
  if (held <= 0 || !isAbsent(maxTokens) || !isAbsent(maxCompletionTokens)) return body;
  const field = chat ? outputTokensField(upstreamModel, settings) : 'max_tokens';
  return { ...body, [field]: held };
}

/** The body with the model the channel knows it by; the client's body itself is never modified. */
export function applyModelMapping<B extends { model: string }>(body: B, upstreamModel: string): B {
  return body.model === upstreamModel ? body : { ...body, model: upstreamModel };
}

function requireBody(value: unknown): JsonObject {
  if (!isJsonObject(value)) throw new RequestValidationError(null, 'The request body must be a JSON object.');
  return value;
}

function validateModel(value: unknown): string {
  return requireString(value, 'model', { nonEmpty: true, maxLength: MAX_MODEL_NAME_LENGTH });
}

/** `stream` and `stream_options`; returns whether the client asked for a stream. */
function validateStreaming(body: JsonObject): boolean {
  const stream = isAbsent(body['stream']) ? false : requireBoolean(body['stream'], 'stream');
  if (isAbsent(body['stream_options'])) return stream;
  const options = requireObject(body['stream_options'], 'stream_options');
  if (!stream) {
    throw new RequestValidationError(
      'stream_options',
      "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
    );
  }
  if (!isAbsent(options['include_usage'])) {
    requireBoolean(options['include_usage'], childPath('stream_options', 'include_usage'));
  }
  return stream;
}

const PROMPT_TYPES = 'a string, an array of strings, an array of token ids or an array of token id arrays';

/** A prompt or embedding input: non-empty, and one kind throughout (texts or token ids). */
function validatePromptInput(value: unknown, path: string): void {
  if (typeof value === 'string') {
    requireString(value, path, { nonEmpty: true });
    return;
  }
  if (!Array.isArray(value)) {
    if (value === undefined) throw missing(path);
    throw invalidType(path, PROMPT_TYPES, value);
  }
  const items = requireArray(value, path, { nonEmpty: true });
  const first = items[0];
  items.forEach((item, index) => {
    const itemPath = childPath(path, index);
    if (typeof first === 'string') requireString(item, itemPath, { nonEmpty: true });
    else if (typeof first === 'number') requireInteger(item, itemPath, { min: 0 });
    else if (Array.isArray(first)) {
      requireArray(item, itemPath, { nonEmpty: true }).forEach((token, tokenIndex) =>
        requireInteger(token, childPath(itemPath, tokenIndex), { min: 0 }),
      );
    } else throw invalidType(itemPath, 'a string, a token id or an array of token ids', item);
  });
}
