// Anthropic's Messages API as a CanonicalCodec: the /v1/messages ingress and the Anthropic upstream.
import type { CanonicalCodec } from '../canonical/canonical-model';
import { buildAnthropicRequest, parseAnthropicRequest } from './request';
import { decodeAnthropicResponse, encodeAnthropicResponse } from './response';
import { AnthropicStreamDecoder, AnthropicStreamEncoder } from './stream';
import { withoutForeignThinking } from './thinking-signature';

export const anthropicCodec: CanonicalCodec = {
  parseRequest: parseAnthropicRequest,
  encodeResponse: encodeAnthropicResponse,
  createStreamEncoder: () => new AnthropicStreamEncoder(),
  buildRequest: buildAnthropicRequest,
  decodeResponse: decodeAnthropicResponse,
  createStreamDecoder: () => new AnthropicStreamDecoder(),
  passThroughBody: withoutForeignThinking,
};
