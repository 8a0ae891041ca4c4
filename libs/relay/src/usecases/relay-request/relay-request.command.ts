import type { OpenAiEndpoint } from '@gateway/providers';
import type { RelayCaller } from '../../relay/relay-caller';

/** POST /v1/chat/completions, /v1/completions or /v1/embeddings, as the controller read it. */
export interface RelayRequestCommand extends RelayCaller {
  readonly endpoint: OpenAiEndpoint;
  /** The id the access log and the usage record share. */
  readonly requestId: string;
  /** `x-session-id`, for sticky routing; null when absent or unusable. */
  readonly sessionId: string | null;
  /** The JSON body as parsed, not yet validated. */
  readonly body: unknown;
  /** Aborted when the client goes away before its answer is complete. */
  readonly clientGone: AbortSignal;
}
