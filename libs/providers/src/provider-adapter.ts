// What every wire-format adapter offers the relay: how to call the upstream, how to watch its
// stream, how to read usage from its non-stream answer, and what its error answers mean. The relay
// speaks only to this.
import type { UpstreamErrorClassifier } from './errors/classify-upstream-error';
import type { JsonObject } from './json/json-object';
import type { OpenAiRequest } from './openai/request';
import type { SseEvent } from './sse/sse-event';
import type { Usage, UsageSource } from './usage/usage';

export interface PrepareRequestInput {
  /** The client's request, validated, in the internal (OpenAI-shaped) form. */
  request: OpenAiRequest;
  /** The model as the channel names it (after the channel's model mapping). */
  upstreamModel: string;
  /** The channel's base URL, e.g. `https://api.openai.com/v1`. */
  baseUrl: string;
  apiKey: string;
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
}

export interface StreamObserverOptions {
  /** From PreparedRequest. */
  clientAskedForUsage: boolean;
  /** The gateway's prompt estimate, billed only when the upstream reports no usage. */
  promptTokens: number;
  /** Clock for `firstContentAt` (default `Date.now`). */
  now?: () => number;
  /** Secrets to mask verbatim in in-stream error events (the channel key), besides key-shaped text. */
  secrets?: readonly string[];
}

/** What to do with one upstream event: forward `event` (possibly rewritten), or drop it. */
export type ObservedEvent = { suppress: true } | { suppress: false; event: SseEvent };

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
}

/** Watches one upstream stream, event by event, keeping counts and flags but never the text. */
export interface StreamObserver {
  observe(event: SseEvent): ObservedEvent;
  /** The outcome so far; call it when the stream ended (done, dropped or aborted). */
  outcome(): StreamOutcome;
}

export interface ResponseUsage {
  usage: Usage;
  usageSource: UsageSource;
}

export interface ProviderAdapter {
  prepareRequest(input: PrepareRequestInput): PreparedRequest;
  createStreamObserver(options: StreamObserverOptions): StreamObserver;
  /** Usage of a non-stream response body: the upstream's, or counted when it sent none. */
  responseUsage(body: unknown, promptTokens: number): ResponseUsage;
  /**
   * What an error answer means for the key and the request; the relay and the probes act on it.
   * Most adapters use the shared `classifyUpstreamError`; one whose provider has its own signals
   * (an overload status, a safety block) wraps it.
   */
  classifyError: UpstreamErrorClassifier;
}
