// A client that spoke a canonical ingress (/v1/messages, ...) served by any channel: the attempt
// builds the upstream call from the client's canonical request in the channel's format, decodes the
// answer and stream back to canonical and encodes them in the client's format. When the channel
// speaks the client's own format the body passes through with only the fields the gateway must set
// changed, and the stream is forwarded as it came (decoded only for the counts).
import type { CanonicalCodec, CanonicalRequest, CanonicalResponse } from '../canonical/canonical-model';
import type { JsonObject } from '../json/json-object';
import { classifyInOpenAiTerms } from '../openai/upstream-error-terms';
import type {
  AttemptAdapter,
  PreparedRequest,
  ProviderAdapter,
  TranslatedResponse,
  UpstreamCallInput,
} from '../provider-adapter';
import type { PromptCount } from '../usage/usage';
import { RequestValidationError } from '../validation/request-validation-error';
import { answeredWith, answerUsage, TranslatingStreamObserver } from './chat-translating-adapter';

export interface IngressRequest {
  /** The client's format. */
  codec: CanonicalCodec;
  /** The client's request, parsed by `codec`. */
  request: CanonicalRequest;
  /** The client's body as sent, for a same-format channel's pass-through. */
  body: JsonObject;
  /**
   * Client headers that only a channel of the client's own format reads (Anthropic's
   * `anthropic-beta`, without which the beta fields of a passed-through body are refused or ignored).
   */
  headers?: Readonly<Record<string, string>>;
}

/** The attempt adapter for one canonical-ingress request on one channel. */
export function ingressAttempt(channel: ProviderAdapter, ingress: IngressRequest): AttemptAdapter {
  const upstream = channel.codec;
  // Pass-through needs an output limit in the body: the client's own (it then asks for no more than
  // was held), or the held ceiling where the format can write it in. Otherwise the canonical round
  // trip sets the held ceiling.
  const passThrough =
    upstream === ingress.codec &&
    (ingress.request.maxOutputTokens !== null || upstream.withOutputCeiling !== undefined);
  const decode = (body: unknown): CanonicalResponse => {
    try {
      return upstream.decodeResponse(body);
    } catch (error) {
      if (error instanceof RequestValidationError)
        throw new RequestValidationError('messages', error.message);
      throw error;
    }
  };
  const translate = (body: unknown, promptTokens: PromptCount): TranslatedResponse => {
    const answer = decode(body);
    const read = answerUsage(answer, promptTokens);
    return { body: ingress.codec.encodeResponse(answeredWith(answer, read), ingress.request), ...read };
  };
  return {
    prepareRequest: (input) => prepare(upstream, ingress, input, passThrough),
    createStreamObserver: (options) =>
      new TranslatingStreamObserver(
        upstream.createStreamDecoder(),
        options,
        ingress.codec.createStreamEncoder(ingress.request),
        passThrough,
      ),
    responseUsage: (body, promptTokens) => answerUsage(decode(body), promptTokens),
    ...(passThrough ? {} : { translateResponse: translate }),
    // Another format's refusal is said in the gateway's terms (OpenAI's), which each ingress's error
    // body renders in its own; a same-format channel's words pass on as they are.
    classifyError:
      upstream === ingress.codec ? channel.classifyError : classifyInOpenAiTerms(channel.classifyError),
  };
}

function prepare(
  upstream: CanonicalCodec,
  ingress: IngressRequest,
  input: UpstreamCallInput,
  passThrough: boolean,
): PreparedRequest {
  const { request } = ingress;
  // The hold is a ceiling: an upstream is never left to pick its own (possibly larger) limit.
  const held = input.heldOutputTokens > 0 ? input.heldOutputTokens : null;
  const canonical: CanonicalRequest = { ...request, maxOutputTokens: request.maxOutputTokens ?? held };
  const call = upstream.buildRequest(canonical, {
    baseUrl: input.baseUrl,
    apiKey: input.apiKey,
    upstreamModel: input.upstreamModel,
    settings: input.settings,
  });
  // The client's fields kept; only the model (when the format carries it in the body) and a
  // ceiling the client did not set change.
  const body: JsonObject = passThrough ? passedThrough(upstream, ingress, call.body, canonical) : call.body;
  const headers = upstream === ingress.codec ? { ...ingress.headers, ...call.headers } : call.headers;
  // Other ingresses report usage in their own framing: the upstream is always asked for it.
  return { ...call, headers, body, clientAskedForUsage: true, clientRequest: canonical };
}

function passedThrough(
  upstream: CanonicalCodec,
  ingress: IngressRequest,
  built: JsonObject,
  canonical: CanonicalRequest,
): JsonObject {
  const body = upstream.passThroughBody?.(ingress.body) ?? ingress.body;
  const ceiling = ingress.request.maxOutputTokens === null ? canonical.maxOutputTokens : null;
  return {
    ...(ceiling === null ? body : (upstream.withOutputCeiling?.(body, ceiling) ?? body)),
    ...(built['model'] === undefined ? {} : { model: built['model'] }),
  };
}
