import type { RelayCaller } from '../../relay/relay-caller';

/** GET /v1/usage: the caller is all it needs. */
export type GetOwnUsageCommand = RelayCaller;
