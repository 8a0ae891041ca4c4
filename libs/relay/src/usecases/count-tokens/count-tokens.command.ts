import type { CanonicalCodec, IngressContext } from '@gateway/providers';
import type { RelayCaller } from '../../relay/relay-caller';

/**
 * POST /v1/messages/count_tokens (and its kin, Gemini's `:countTokens`): the caller, the ingress's
 * codec and the body.
 */
export interface CountTokensCommand extends RelayCaller {
  readonly codec: CanonicalCodec;
  /** What the route says outside the body (Gemini's model). */
  readonly context?: IngressContext;
  /** The JSON body as parsed, not yet validated. */
  readonly body: unknown;
}
