// Tokens without their HTTP face (`@gateway/tokens/domain`): what the worker and code that runs in
// it may import. Nothing reachable from here loads a controller, a DTO or a view (docs/design.md,
// "Layers"); index.ts adds /api/tokens and the relay's token lookup.
export { TOKENS_ENTITIES } from './tokens.entities';
export { Token } from './entities/token.entity';
export type { TokenStatus } from './entities/token.entity';
export { IpAllowlist, normalizeCidr, parseCidr } from './ip/ip-allowlist';
export type { Cidr } from './ip/ip-allowlist';
export { generateApiKey, hashApiKey, looksLikeApiKey, maskApiKey } from './key/api-key';
export { TOKEN_ACCESS, TOKEN_ROLES, tokenScope } from './token-permissions';
export type { TokenAccess, TokenScope } from './token-permissions';
export { TokensError, TokensErrorCode } from './tokens.errors';
export { addTokenUsage } from './usage/add-token-usage';
export { quotaEpochsOf, spendOfQuotaTokens, usedByToken } from './usage/used-by-token';
