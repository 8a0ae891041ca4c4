// A user who may no longer act for a tenant must not keep a working /v1 key. The tokens belong to
// the tokens lib, which depends on identity: identity asks through this port and the tokens lib
// implements it (bound globally, as the audit lib binds AuditRecorder), so the dependency keeps
// pointing one way.
import type { EntityManager } from 'typeorm';
import type { Actor } from '../auth/actor';

/** Why a user's tokens stopped working; shown on each token (`revokedReason`). */
export const TOKEN_REVOCATION_REASONS = [
  'owner_removed',
  'owner_disabled',
  'owner_role_finance',
  'owner_moved',
] as const;
export type TokenRevocationReason = (typeof TOKEN_REVOCATION_REASONS)[number];

export abstract class UserTokens {
  /**
   * Revokes every token `userId` holds, in the transaction of the change that calls for it (so the
   * two commit together). Returns what to run once that transaction has committed: telling every
   * api process to drop the tokens from its cache.
   */
  abstract revokeHeldBy(
    manager: EntityManager,
    actor: Actor,
    userId: string,
    reason: TokenRevocationReason,
  ): Promise<() => Promise<void>>;
}
