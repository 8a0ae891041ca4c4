// A /v1 error as OpenAI's SDKs read it: {"error":{message,type,code,param}}, with Retry-After.
import { domainErrorFacts, writeErrorResponse } from '@gateway/common';
import { openAiErrorBody } from '@gateway/providers';
import type { Response } from 'express';
import type { RelayError } from '../relay.errors';

export function sendRelayError(res: Response, error: RelayError, headers: Record<string, string> = {}): void {
  const facts = domainErrorFacts(error);
  writeErrorResponse(res, facts, openAiErrorBody({ ...facts, type: error.upstreamType }), headers);
}
