import type { MockBehaviour } from './behaviour';
import type { JsonObject } from './request-fields';

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export function usageOf(promptTokens: number, completionTokens: number): Usage {
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
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
}

/**
 * An endpoint's answer, built before any timing is applied so the delivery (latency, ttft, chunk
 * delays, drops, backpressure) lives in one place. `usage` is what the mock bills, sent or not.
 */
export type MockResponse =
  { kind: 'json'; body: object; usage?: Usage } | { kind: 'stream'; steps: Iterable<object[]>; usage: Usage };

/** Validates the request (throwing `HttpError`) and builds the answer; pure, no I/O. */
export type Endpoint = (input: EndpointInput) => MockResponse;
