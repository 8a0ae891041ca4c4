import type { TokenStatus } from '../entities/token.entity';

/** What a client may set; `revoked` only ever comes from the owner's account changing. */
export const TOKEN_STATUSES: readonly TokenStatus[] = ['active', 'disabled'];
export const TOKEN_VIEW_STATUSES: readonly TokenStatus[] = ['active', 'disabled', 'revoked'];
export const MAX_TOKEN_NAME_LENGTH = 100;
export const MAX_TOKEN_MODELS = 200;
export const MAX_MODEL_NAME_LENGTH = 200;
export const MAX_IP_ALLOWLIST = 200;
/** rpm/tpm are Postgres integers. */
export const MAX_RATE_LIMIT = 2_147_483_647;
