import type { AbortSignalLike } from '@gateway/common/undici';
import type { CanonicalCodec, IngressContext, MediaEndpoint, OpenAiEndpoint } from '@gateway/providers';
import type { MediaIngress } from '../relay-media/media-ingress';
import type { RelayCaller } from '../../relay/relay-caller';
import type { ErrorBodyOf } from '../../relay/send-relay-error';

/**
 * A client format other than OpenAI's chat/completions/embeddings (/v1/messages, ...): its codec
 * parses the request and writes the answer, its stream and its errors. The controller picks it;
 * the relay never names it.
 */
export interface RelayIngress {
  /** The usage record's endpoint. */
  readonly endpoint: 'messages' | 'responses' | 'generate_content';
  readonly codec: CanonicalCodec;
  /** What the route says outside the body (Gemini's model and streaming). */
  readonly context?: IngressContext;
  /** Client headers passed on to a channel of the ingress's own format (Anthropic's `anthropic-beta`). */
  readonly headers?: Readonly<Record<string, string>>;
  readonly errorBody: ErrorBodyOf;
}

interface RelayRequestBase extends RelayCaller {
  /** The id the access log and the usage record share. */
  readonly requestId: string;
  /** `x-session-id`, for sticky routing; null when absent or unusable. */
  readonly sessionId: string | null;
  /** The JSON body as parsed, not yet validated. */
  readonly body: unknown;
  /** Aborted when the client goes away before its answer is complete. */
  readonly clientGone: AbortSignalLike;
}

/**
 * POST /v1/chat/completions, /v1/completions or /v1/embeddings (OpenAI's format, relayed without a
 * canonical round trip), or another ingress's route, as the controller read it.
 */
export type RelayRequestCommand = RelayRequestBase &
  (
    | { readonly endpoint: OpenAiEndpoint; readonly ingress?: undefined; readonly media?: undefined }
    | {
        readonly endpoint: RelayIngress['endpoint'];
        readonly ingress: RelayIngress;
        readonly media?: undefined;
      }
    /** Images, audio, moderations, rerank: the request is read (an upload stored) when the relay asks. */
    | { readonly endpoint: MediaEndpoint; readonly ingress?: undefined; readonly media: MediaIngress }
  );
