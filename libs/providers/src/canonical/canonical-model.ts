// The gateway's own model of a generation request, its answer and its stream, which no provider
// owns. Every wire format translates to and from it (its folder's codec), so any ingress can reach
// any upstream: n formats need n codecs, not n² translators. Same-format pairs do not go through
// it (the body passes through with only the fields the gateway must set changed).
import type { JsonObject } from '../json/json-object';

// ---------------------------------------------------------------------------------------------
// Content

export interface CanonicalText {
  type: 'text';
  text: string;
}

/** An image given by URL (http(s) or a `data:` URL) or inline as base64 with its media type. */
export interface CanonicalImage {
  type: 'image';
  source: { kind: 'url'; url: string } | { kind: 'base64'; mediaType: string; data: string };
  /** OpenAI's `detail` hint; other formats ignore it. */
  detail?: 'auto' | 'low' | 'high';
}

/** The model asking for a tool. `arguments` is the JSON text as generated (it may be partial in a stream). */
export interface CanonicalToolCall {
  type: 'tool_call';
  id: string;
  name: string;
  arguments: string;
}

/** What a tool answered, sent back by the client. `name` is required by formats that match by name (Gemini). */
export interface CanonicalToolResult {
  type: 'tool_result';
  toolCallId: string;
  name?: string;
  content: Array<CanonicalText | CanonicalImage>;
  isError?: boolean;
}

/**
 * The model's reasoning, where a format shows it (Anthropic's `thinking` blocks, Gemini's thought
 * parts). `signature` must travel back unchanged in the next turn for its maker to accept it;
 * `redacted` carries a `redacted_thinking` block's opaque data.
 */
export interface CanonicalThinking {
  type: 'thinking';
  text: string;
  signature?: string;
  /**
   * The format whose upstream made `signature` (`anthropic`, `gemini`), when known: only that
   * upstream can verify it, so no other is sent it. Absent: unknown (a client's replay in a format
   * that cannot say).
   */
  signedBy?: string;
  redacted?: string;
}

export type CanonicalPart =
  CanonicalText | CanonicalImage | CanonicalToolCall | CanonicalToolResult | CanonicalThinking;

/**
 * One turn. Tool results travel in a `tool` turn (OpenAI's `role: "tool"`, Anthropic's user turn of
 * `tool_result` blocks, Gemini's `functionResponse` parts); system text is not a turn (see
 * CanonicalRequest.system).
 */
export interface CanonicalMessage {
  role: 'user' | 'assistant' | 'tool';
  content: CanonicalPart[];
}

// ---------------------------------------------------------------------------------------------
// Request

export interface CanonicalTool {
  name: string;
  description?: string;
  /** JSON Schema of the arguments object. */
  parameters: JsonObject;
  strict?: boolean;
}

export type CanonicalToolChoice = 'auto' | 'none' | 'required' | { name: string };

export type CanonicalResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; name: string; schema: JsonObject; strict?: boolean };

export interface CanonicalReasoning {
  /** OpenAI-style effort; a format with budgets maps it to one. */
  effort?: 'minimal' | 'low' | 'medium' | 'high';
  /** Anthropic / Gemini thinking budget in tokens. */
  budgetTokens?: number;
  /** Whether the client wants the reasoning text back (Gemini `includeThoughts`). */
  includeThoughts?: boolean;
}

export interface CanonicalRequest {
  /** The model the client asked for; the relay swaps in the channel's upstream model. */
  model: string;
  /** System and developer instructions, in order. */
  system: CanonicalText[];
  messages: CanonicalMessage[];
  tools: CanonicalTool[];
  toolChoice: CanonicalToolChoice | null;
  parallelToolCalls: boolean | null;
  /**
   * The most output the upstream may produce (OpenAI `max_tokens`/`max_completion_tokens`,
   * Responses `max_output_tokens`, Anthropic `max_tokens`, Gemini `maxOutputTokens`); null when the
   * client set none. The relay holds money for it and sets it upstream, so the upstream can never
   * produce more than was held (docs/design.md invariant 6).
   */
  maxOutputTokens: number | null;
  temperature: number | null;
  topP: number | null;
  topK: number | null;
  stop: string[];
  seed: number | null;
  responseFormat: CanonicalResponseFormat | null;
  reasoning: CanonicalReasoning | null;
  stream: boolean;
  /**
   * OpenAI chat ingress only: the client asked for the usage-only last chunk
   * (`stream_options.include_usage`), which a client that did not ask may choke on. Absent means
   * no; other ingresses report usage in their own framing regardless, and upstreams are always asked.
   */
  includeUsage?: boolean;
  /** The end user's id, where a format carries one (OpenAI `user`, Anthropic `metadata.user_id`). */
  user: string | null;
  /**
   * Ingress only: the settings the client's format repeats in its answer, as the client sent them
   * with the format's defaults for the rest (Responses echoes its request in every `response`).
   */
  echo?: JsonObject;
}

// ---------------------------------------------------------------------------------------------
// Answer

/**
 * Token counts in OpenAI's convention, whatever the format reported: `promptTokens` is every input
 * token, cache reads and cache writes included (Anthropic reports them apart from `input_tokens`);
 * `completionTokens` includes reasoning (Gemini reports `thoughtsTokenCount` apart).
 */
export interface CanonicalUsage {
  promptTokens: number;
  completionTokens: number;
  /** Input tokens read from the provider's prompt cache (part of promptTokens). */
  cachedTokens: number;
  /** Input tokens written to the provider's prompt cache (part of promptTokens; Anthropic bills them higher). */
  cacheWriteTokens: number;
  /** Output tokens spent on reasoning (part of completionTokens). */
  reasoningTokens: number;
}

/**
 * Why generation stopped. `content_filter` covers Gemini's SAFETY/RECITATION/BLOCKLIST/... and
 * OpenAI's content filter; `refusal` Anthropic's `refusal`; `pause` Anthropic's `pause_turn`.
 */
export type CanonicalFinishReason =
  'stop' | 'length' | 'tool_calls' | 'content_filter' | 'refusal' | 'pause' | 'error';

export interface CanonicalResponse {
  id: string;
  /** The model as the upstream named it. */
  model: string;
  /** Assistant content in order: thinking, text, tool calls. */
  content: Array<CanonicalText | CanonicalToolCall | CanonicalThinking>;
  finishReason: CanonicalFinishReason | null;
  usage: CanonicalUsage | null;
}

// ---------------------------------------------------------------------------------------------
// Stream

/**
 * What happened in a stream, in order, independent of how the format framed it. A tool call is
 * opened once (`tool_call_start`, with its id and name) and its arguments arrive as deltas; `index`
 * numbers the calls of the answer from 0 in the order they started. A `usage` event is the whole
 * count so far, not an increment (Anthropic reports input counts at the start and cumulative output
 * at the end, Gemini repeats its totals): the last one wins, and it is final unless it says `partial`.
 */
export type CanonicalStreamEvent =
  | { type: 'start'; id: string; model: string }
  | { type: 'text_delta'; text: string }
  | { type: 'thinking_delta'; text: string }
  | { type: 'thinking_signature'; signature: string; signedBy?: string }
  /** An Anthropic `redacted_thinking` block (its opaque `data`), which must go back unchanged next turn. */
  | { type: 'thinking_redacted'; data: string }
  | { type: 'tool_call_start'; index: number; id: string; name: string }
  | { type: 'tool_call_delta'; index: number; arguments: string }
  /**
   * `partial`: the upstream's count so far, not its last word (Anthropic's `message_start`, whose
   * output count is a placeholder; a Gemini stream's counts when it ended without its finishReason).
   * A stream whose usage stays partial is billed from the gateway's own count of what it relayed.
   */
  | { type: 'usage'; usage: CanonicalUsage; partial?: true }
  | { type: 'finish'; finishReason: CanonicalFinishReason }
  /** The upstream reported an error inside the stream (Anthropic's `error` event, OpenAI's `error` chunk). */
  | { type: 'error'; message: string; code: string | null };

// ---------------------------------------------------------------------------------------------
// A format's codec

/** Where and how to call an upstream (the channel's facts; the adapter builds URL and headers). */
export interface UpstreamTarget {
  baseUrl: string;
  apiKey: string;
  /** The model as the channel names it (after model mapping; an Azure deployment). */
  upstreamModel: string;
  /** The channel's type-specific settings (Azure `apiVersion`, Anthropic `anthropicVersion`, ...). */
  settings: Readonly<Record<string, unknown>>;
}

export interface UpstreamCall {
  method: 'POST';
  url: string;
  headers: Record<string, string>;
  body: JsonObject;
}

/** Turns one upstream stream's wire events into canonical events (stateful: one per stream). */
export interface CanonicalStreamDecoder {
  /** `event` is the SSE event's name (null when absent), `data` its data text. */
  decode(event: string | null, data: string): CanonicalStreamEvent[];
  /** The stream ended (cleanly or not): anything still pending. */
  end(): CanonicalStreamEvent[];
}

/** Turns canonical events into one client stream's wire text (stateful: one per stream). */
export interface CanonicalStreamEncoder {
  /** SSE text to write for this event (possibly empty). */
  encode(event: CanonicalStreamEvent): string;
  /** The format's success terminator (e.g. `data: [DONE]`, `message_stop`), after a finish. */
  finish(): string;
  /** The format's own error event for a stream that broke: never its success terminator. */
  fail(message: string, code: string): string;
}

/**
 * What the ingress route knows from outside the body. Gemini puts the model and streaming in the
 * URL (`/v1beta/models/{model}:streamGenerateContent`), not in the body; formats that carry them in
 * the body ignore this.
 */
export interface IngressContext {
  model?: string;
  stream?: boolean;
}

/**
 * A wire format seen from both sides: as an ingress (a client speaks it to the gateway) and as an
 * upstream (the gateway speaks it to a provider). Pure functions; validation failures throw
 * RequestValidationError naming the field.
 */
export interface CanonicalCodec {
  /** Ingress: the client's body → canonical (validated). */
  parseRequest(body: unknown, context?: IngressContext): CanonicalRequest;
  /**
   * Ingress: a canonical answer → the client's format. `request` is the client's parsed request
   * (Responses echoes its settings), as for createStreamEncoder.
   */
  encodeResponse(response: CanonicalResponse, request?: CanonicalRequest): JsonObject;
  /**
   * `request` is the client's parsed request (optional, so an encoder that needs nothing from it
   * may ignore it): OpenAI chat reads `includeUsage`, Responses echoes the request's settings.
   */
  createStreamEncoder(request?: CanonicalRequest): CanonicalStreamEncoder;
  /**
   * Upstream: canonical → the provider's request. A format that requires an output limit
   * (Anthropic's `max_tokens`) throws when `maxOutputTokens` is null: the relay sets it from what it
   * held before building.
   */
  buildRequest(request: CanonicalRequest, target: UpstreamTarget): UpstreamCall;
  /**
   * Upstream: the provider's non-stream answer → canonical. Throws RequestValidationError when the
   * provider refused the request itself in a success answer (Gemini's blocked prompt): the client's
   * error, not a retry.
   */
  decodeResponse(body: unknown): CanonicalResponse;
  createStreamDecoder(): CanonicalStreamDecoder;
  /**
   * A client's body in this format as this format's upstream may receive it when it passes through
   * (the client's own fields, less what only the gateway could read: Anthropic leaves out thinking
   * it did not sign). Absent: the body as it is.
   */
  passThroughBody?(body: JsonObject): JsonObject;
  /**
   * A client's body in this format with the output ceiling the relay held written in, for this
   * format's upstream when the client set none (the upstream must never produce more than was
   * held). Absent: such a body cannot pass through, and is built from canonical instead.
   */
  withOutputCeiling?(body: JsonObject, maxOutputTokens: number): JsonObject;
}
