import type { CanonicalCodec } from '@gateway/providers';
import type { RelayCaller } from '../../relay/relay-caller';

/** POST /v1/messages/count_tokens (and its kin): the caller, the ingress's codec and the body. */
export interface CountTokensCommand extends RelayCaller {
  readonly codec: CanonicalCodec;
  /** The JSON body as parsed, not yet validated. */
  readonly body: unknown;
}
