// What every wire-format adapter offers the relay: how to call the upstream, how to watch its
// stream, how to read usage from its non-stream answer, and what its error answers mean. The relay
// speaks only to this.
import type { CanonicalCodec, CanonicalRequest } from './canonical/canonical-model';
import type { UpstreamErrorClassifier } from './errors/classify-upstream-error';
import type { JsonObject } from './json/json-object';
import type { MediaEndpoint } from './openai-media/media-endpoint';
import type { OpenAiEndpoint, OpenAiRequest } from './openai/request';
import { classifyInOpenAiTerms } from './openai/upstream-error-terms';
import type { SseEvent } from './sse/sse-event';
import type { PromptCount, Usage, UsageSource } from './usage/usage';

export interface PrepareRequestInput extends UpstreamCallInput {
  /** The client's request, validated, in the internal (OpenAI-shaped) form. */
  request: OpenAiRequest;
}

/** One attempt's channel facts, whatever the client's request and format. */
export interface UpstreamCallInput {
  /** The model as the channel names it (after the channel's model mapping). */
  upstreamModel: string;
  /** The channel's base URL, e.g. `https://api.openai.com/v1`. */
  baseUrl: string;
  apiKey: string;
  /** The channel's type-specific settings (Azure `apiVersion`, Anthropic `anthropicVersion`, ...). */
  settings: Readonly<Record<string, unknown>>;
  /**
   * The most output tokens the relay held money for, per answer: the client's own limit, else the
   * default it held (docs/design.md invariant 6). An adapter sets it upstream when the client set none.
   */
  heldOutputTokens: number;
}

export interface PreparedRequest {
  method: 'POST';
  url: string;
  headers: Record<string, string>;
  /** The JSON body to send (the client's fields kept, the gateway's additions made). */
  body: JsonObject;
  /**
   * False when the gateway added the usage request to a stream itself: the stream observer then
   * suppresses the usage-only chunk the client never asked for.
   */
  clientAskedForUsage: boolean;
  /** A translating adapter's parse of the client's request, which its stream observer needs back. */
  clientRequest?: CanonicalRequest;
}

export interface StreamObserverOptions {
  /** From PreparedRequest. */
  clientAskedForUsage: boolean;
  /** From PreparedRequest. */
  clientRequest?: CanonicalRequest;
  /** The gateway's prompt count, billed only when the upstream reports no usage. */
  promptTokens: PromptCount;
  /** Clock for `firstContentAt` (default `Date.now`). */
  now?: () => number;
  /** Secrets to mask verbatim in in-stream error events (the channel key), besides key-shaped text. */
  secrets?: readonly string[];
}

/**
 * What to do with one upstream event: forward `event` (possibly rewritten), write `text` instead
 * (a translating observer's wire text in the client's format, possibly several events), or drop it.
 */
export type ObservedEvent =
  { suppress: true } | { suppress: false; event: SseEvent } | { suppress: false; text: string };

export interface StreamOutcome {
  /**
   * The upstream's usage if a chunk carried it; else the gateway's count (prompt estimate +
   * counted completion). Null only when the upstream sent no chunk at all: nothing was generated.
   */
  usage: Usage | null;
  usageSource: UsageSource;
  /** The last `finish_reason` seen (with n > 1: of whichever choice finished last); null if none. */
  finishReason: string | null;
  /** False means the stream ended without `[DONE]`: the upstream dropped it. */
  sawDone: boolean;
  /** `now()` when the first generated content (text, reasoning, refusal, tool call) arrived. */
  firstContentAt: number | null;
  /** The message of an error event the upstream sent mid-stream, secrets masked. */
  upstreamError: string | null;
  /**
   * That error was the request's fault (Gemini's blocked prompt, sent in a 200 stream): another
   * channel would refuse it too, so before anything reached the client it is answered, not retried.
   */
  clientFault?: boolean;
}

/** Watches one upstream stream, event by event, keeping counts and flags but never the text. */
export interface StreamObserver {
  observe(event: SseEvent): ObservedEvent;
  /**
   * The upstream stream ended cleanly (no network error): the text still owed to the client, e.g.
   * a translated stream's terminator. Absent for a pass-through observer (the upstream's own
   * terminator was forwarded).
   */
  end?(): string;
  /** The client format's error event for a stream that broke; absent means OpenAI's error chunk. */
  fail?(message: string, code: string): string;
  /** The outcome so far; call it when the stream ended (done, dropped or aborted). */
  outcome(): StreamOutcome;
}

export interface ResponseUsage {
  usage: Usage;
  usageSource: UsageSource;
}

/** A non-stream answer rewritten into the client's format, with its usage. */
export interface TranslatedResponse extends ResponseUsage {
  body: JsonObject;
}

export interface ProviderAdapter {
  /** The client endpoints this adapter can serve; the relay skips its channels for the others. */
  endpoints: readonly OpenAiEndpoint[];
  /** The channel's wire format: how clients of the other ingresses (/v1/messages, ...) reach it. */
  codec: CanonicalCodec;
  /**
   * The media routes (images, audio, moderations, rerank) the format relays as OpenAI's; absent: none,
   * and the relay skips the channel for them.
   */
  mediaEndpoints?: readonly MediaEndpoint[];
  /**
   * Throws RequestValidationError (naming the field) when the request cannot be carried to this
   * format: the client's fault, not a reason to try another channel.
   */
  prepareRequest(input: PrepareRequestInput): PreparedRequest;
  createStreamObserver(options: StreamObserverOptions): StreamObserver;
  /** Usage of a non-stream response body: the upstream's, or counted when it sent none. */
  responseUsage(body: unknown, promptTokens: PromptCount): ResponseUsage;
  /**
   * Present when the upstream speaks another format than the client: the answer in the client's
   * format, with its usage. Absent means the body passes through as it came. Throws
   * RequestValidationError when the upstream refused the request inside a success answer.
   */
  translateResponse?(body: unknown, promptTokens: PromptCount): TranslatedResponse;
  /**
   * What an error answer means for the key and the request; the relay and the probes act on it.
   * Most adapters use the shared `classifyUpstreamError`; one whose provider has its own signals
   * (an overload status, a safety block) wraps it.
   */
  classifyError: UpstreamErrorClassifier;
}

/**
 * One attempt's adapter with the client's request already bound: what the attempt runner speaks to,
 * whichever ingress the client used (ingress-attempt.ts binds a canonical request, `bindOpenAiRequest`
 * an OpenAI one).
 */
export interface AttemptAdapter extends Omit<ProviderAdapter, 'endpoints' | 'codec' | 'prepareRequest'> {
  prepareRequest(input: UpstreamCallInput): PreparedRequest;
}

/** The OpenAI-shaped request's attempt: the channel's adapter as it is, the request bound. */
export function bindOpenAiRequest(adapter: ProviderAdapter, request: OpenAiRequest): AttemptAdapter {
  return {
    // The fields named, not `{ ...input, request }` (a spread and a field: a runtime call in V8).
    prepareRequest: ({ upstreamModel, baseUrl, apiKey, settings, heldOutputTokens }) =>
      adapter.prepareRequest({ upstreamModel, baseUrl, apiKey, settings, heldOutputTokens, request }),
    createStreamObserver: adapter.createStreamObserver,
    responseUsage: adapter.responseUsage,
    translateResponse: adapter.translateResponse,
    // Another format's refusal reaches the chat client in OpenAI's terms; its meaning stays the provider's.
    classifyError: adapter.translateResponse
      ? classifyInOpenAiTerms(adapter.classifyError)
      : adapter.classifyError,
  };
}
