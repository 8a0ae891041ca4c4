import type { MockBehaviour } from './behaviour';
import type { JsonObject } from './request-fields';
import type { StreamFraming } from './wire-format';

/**
 * Usage in OpenAI's convention, whatever the format answered: `prompt_tokens` includes cache reads
 * and writes, `completion_tokens` includes reasoning. The details are set when non-zero, on the
 * record only (an OpenAI answer carries the three counts).
 */
export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  /** Prompt tokens read from the cache. */
  cache_read_tokens?: number;
  /** Prompt tokens written to the cache. */
  cache_write_tokens?: number;
  /** Completion tokens spent thinking. */
  reasoning_tokens?: number;
}

export function usageOf(promptTokens: number, completionTokens: number): Usage {
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
  };
}

/** How a prompt splits between cache reads, cache writes and uncached tokens (`cacheRead`, `cacheWrite`). */
export interface PromptSplit {
  total: number;
  cacheRead: number;
  cacheWrite: number;
  uncached: number;
}

export function splitPrompt(total: number, behaviour: MockBehaviour): PromptSplit {
  const cacheRead = Math.min(behaviour.cacheRead, total);
  const cacheWrite = Math.min(behaviour.cacheWrite, total - cacheRead);
  return { total, cacheRead, cacheWrite, uncached: total - cacheRead - cacheWrite };
}

/** The usage a record keeps for an answer with cache and thinking details (zero details left out). */
export function detailedUsage(prompt: PromptSplit, completionTokens: number, reasoningTokens: number): Usage {
  return {
    ...usageOf(prompt.total, completionTokens),
    ...(prompt.cacheRead > 0 ? { cache_read_tokens: prompt.cacheRead } : {}),
    ...(prompt.cacheWrite > 0 ? { cache_write_tokens: prompt.cacheWrite } : {}),
    ...(reasoningTokens > 0 ? { reasoning_tokens: reasoningTokens } : {}),
  };
}

/** What an endpoint needs to build its answer. */
export interface EndpointInput {
  /** The parsed JSON body (an empty object for bodiless requests). */
  body: JsonObject;
  behaviour: MockBehaviour;
  /** The request's sequence number, used in response ids. */
  seq: number;
  /** Unix seconds, the `created` of the response. */
  created: number;
  /** The URL's query parameters. */
  query: URLSearchParams;
}

/**
 * An endpoint's answer, built before any timing is applied so the delivery (latency, ttft, chunk
 * delays, drops, backpressure) lives in one place. `usage` is what the mock bills, sent or not.
 */
export type MockResponse =
  | { kind: 'json'; body: object; usage?: Usage }
  /** `framing`: the route's own event framing (the media routes'), else the format's. */
  | { kind: 'stream'; steps: Iterable<object[]>; usage: Usage; framing?: StreamFraming }
  /** A text answer (a transcript as text, SRT or WebVTT). */
  | { kind: 'text'; contentType: string; text: string; usage?: Usage }
  /** Bytes made as they are sent (speech audio): `size` bytes, the i-th being `byte(i)`. */
  | { kind: 'binary'; contentType: string; size: number; byte: (index: number) => number; usage?: Usage };

/** Validates the request (throwing `HttpError`) and builds the answer; pure, no I/O. */
export type Endpoint = (input: EndpointInput) => MockResponse;
