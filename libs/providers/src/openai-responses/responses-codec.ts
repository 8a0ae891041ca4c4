// OpenAI's Responses API as a canonical codec, ingress only: `/v1/responses` clients (the openai
// SDK's `client.responses.create`, Codex-style tools) served by any upstream. No channel speaks
// Responses upstream yet (OpenAI-compatible channels take chat completions), so the upstream half
// refuses clearly instead of guessing.
import type { CanonicalCodec } from '../canonical/canonical-model';
import { parseResponsesRequest } from './responses-request';
import { encodeResponsesResponse } from './responses-response';
import { ResponsesStreamEncoder } from './responses-stream';

export class NotAnUpstreamFormatError extends Error {
  constructor(format: string) {
    super(`${format} is an ingress format only; no channel is called in it.`);
    this.name = 'NotAnUpstreamFormatError';
  }
}

const notUpstream = (): never => {
  throw new NotAnUpstreamFormatError('The OpenAI Responses API');
};

export const openAiResponsesCodec: CanonicalCodec = {
  parseRequest: parseResponsesRequest,
  encodeResponse: (response, request) => encodeResponsesResponse(response, request),
  createStreamEncoder: (request) => new ResponsesStreamEncoder(request),
  buildRequest: notUpstream,
  decodeResponse: notUpstream,
  createStreamDecoder: notUpstream,
};
