// A /v1 error as the client's SDK reads it: OpenAI's {"error":{message,type,code,param}} unless the
// ingress gives its own shape, with Retry-After.
import { domainErrorFacts, writeErrorResponse } from '@gateway/common';
import { openAiErrorBody, type OpenAiErrorInput } from '@gateway/providers';
import type { RelayError } from '../relay.errors';
import type { ClientResponse } from './client-response';

/** An ingress's error body for a gateway error (Anthropic's, Google's; OpenAI's by default). */
export type ErrorBodyOf = (error: OpenAiErrorInput) => unknown;

export function sendRelayError(
  res: ClientResponse,
  error: RelayError,
  headers: Record<string, string> = {},
  bodyOf: ErrorBodyOf = openAiErrorBody,
): void {
  const facts = domainErrorFacts(error);
  writeErrorResponse(res, facts, bodyOf({ ...facts, type: error.upstreamType }), headers);
}
