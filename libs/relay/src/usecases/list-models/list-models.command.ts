import type { RelayCaller } from '../../relay/relay-caller';

/** GET /v1/models, or GET /v1/models/:model when `model` is given. */
export interface ListModelsCommand extends RelayCaller {
  readonly model?: string;
}
