import type { IncomingMessage } from 'node:http';
import type { HttpError } from './http-error';

/**
 * What differs between the providers' wire formats around an answer: where the key is, how an
 * error looks, how a stream is framed and ends. The knobs and the delivery (latency, chunking,
 * drops, fail budgets, records) are the same for every format.
 */
export interface WireFormat {
  name: 'openai' | 'anthropic' | 'gemini';
  /** A header of the format's own that carries the request id (besides `x-request-id`). */
  requestIdHeader?: string;
  /** The request's API key, undefined when it has none. */
  apiKey(req: IncomingMessage, query: URLSearchParams): string | undefined;
  /** The answer to a request without a key. */
  missingKey(): HttpError;
  /** Checks beyond the key that the provider makes before reading the body (throws `HttpError`). */
  checkHeaders?(req: IncomingMessage): void;
  /** The error the behaviour `status=<status>` answers. */
  simulatedError(status: number, retryAfter: number | undefined): HttpError;
  /** The refusal of a prompt of `promptTokens` beyond the model's `context` (`context=<tokens>`), in the provider's words. */
  contextError(promptTokens: number, context: number): HttpError;
  /** The JSON body of an error answer. */
  errorBody(error: HttpError, requestSeq: number): object;
  stream: StreamFraming;
}

export interface StreamFraming {
  /** One chunk as server-sent-event text, blank line included. */
  frame(chunk: object): string;
  /** What ends a complete stream after its last chunk (OpenAI's `data: [DONE]`), if anything. */
  terminator?: string;
  /** The chunk `streamError=N` ends a stream with: the format's own mid-stream error. */
  errorChunk(): object;
}

export function retryAfterHeaders(retryAfter: number | undefined): Record<string, string> {
  return retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) };
}
