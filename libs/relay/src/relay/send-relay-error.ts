// A /v1 error as OpenAI's SDKs read it: {"error":{message,type,code,param}}, with Retry-After.
import { domainErrorFacts, writeErrorResponse } from '@gateway/common';
import { openAiErrorBody } from '@gateway/providers';
import type { RelayError } from '../relay.errors';
import type { ClientResponse } from './client-response';

export function sendRelayError(
  res: ClientResponse,
  error: RelayError,
  headers: Record<string, string> = {},
): void {
  const facts = domainErrorFacts(error);
  writeErrorResponse(res, facts, openAiErrorBody({ ...facts, type: error.upstreamType }), headers);
}
