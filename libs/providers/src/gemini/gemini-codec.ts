// Gemini's generateContent as a CanonicalCodec: the ingress for @google/genai clients and the
// upstream for Gemini channels.
import type { CanonicalCodec, IngressContext } from '../canonical/canonical-model';
import { RequestValidationError } from '../validation/request-validation-error';
import { buildGeminiRequest, parseGeminiRequest, withMaxOutputTokens } from './request';
import { decodeGeminiResponse, encodeGeminiResponse } from './response';
import { GeminiStreamDecoder, GeminiStreamEncoder } from './stream';

export const geminiCodec: CanonicalCodec = {
  /** The model and streaming come from the URL: the route passes them as `context`. */
  parseRequest(body: unknown, context?: IngressContext) {
    if (context?.model === undefined) {
      throw new RequestValidationError('model', "Missing required parameter: 'model' (from the URL path).");
    }
    return parseGeminiRequest(body, context.model, context.stream ?? false);
  },
  encodeResponse: (response) => ({ ...encodeGeminiResponse(response) }),
  createStreamEncoder: () => new GeminiStreamEncoder(),
  buildRequest: buildGeminiRequest,
  decodeResponse: decodeGeminiResponse,
  createStreamDecoder: () => new GeminiStreamDecoder(),
  withOutputCeiling: withMaxOutputTokens,
};
