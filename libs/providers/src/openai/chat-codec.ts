// OpenAI chat completions as a canonical codec: the ingress of /v1/chat/completions clients served
// by another format's upstream, and the upstream format of every OpenAI-compatible channel.
import type {
  CanonicalCodec,
  CanonicalRequest,
  UpstreamCall,
  UpstreamTarget,
} from '../canonical/canonical-model';
import { buildChatBody, parseChatRequest } from './chat-canonical-request';
import { decodeChatResponse, encodeChatResponse } from './chat-canonical-response';
import { ChatStreamDecoder, ChatStreamEncoder } from './chat-canonical-stream';

/** Channel base URLs include the version segment (`…/v1`, Zhipu's `…/v4`); the endpoint follows it. */
function buildChatRequest(request: CanonicalRequest, target: UpstreamTarget): UpstreamCall {
  return {
    method: 'POST',
    url: `${target.baseUrl.replace(/\/+$/, '')}/chat/completions`,
    headers: {
      authorization: `Bearer ${target.apiKey}`,
      'content-type': 'application/json',
      accept: request.stream ? 'text/event-stream' : 'application/json',
    },
    body: buildChatBody(request, target.upstreamModel, target.settings),
  };
}

export const openAiChatCodec: CanonicalCodec = {
  parseRequest: parseChatRequest,
  encodeResponse: (response) => encodeChatResponse(response),
  createStreamEncoder: (request) => new ChatStreamEncoder(request),
  buildRequest: buildChatRequest,
  decodeResponse: decodeChatResponse,
  createStreamDecoder: () => new ChatStreamDecoder(),
};
