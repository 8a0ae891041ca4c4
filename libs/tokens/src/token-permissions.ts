// Who may manage which tokens: the one place these rules live (the controller's @Roles and every
// query's filter come from here).
import { Actor, IdentityError, IdentityErrorCode, readScope, Role, ROLES } from '@gateway/identity/domain';

/**
 * - `platform`: every token of every tenant (super admin)
 * - `tenant`: every token of the caller's tenant (owner, admin)
 * - `own`: only tokens the caller owns (member)
 * - `none`: no access to tokens at all (finance reads usage and invoices, never keys): 403
 */
export type TokenAccess = 'platform' | 'tenant' | 'own' | 'none';

export const TOKEN_ACCESS: Readonly<Record<Role, TokenAccess>> = Object.freeze({
  [Role.SuperAdmin]: 'platform',
  [Role.Owner]: 'tenant',
  [Role.Admin]: 'tenant',
  [Role.Member]: 'own',
  [Role.Finance]: 'none',
});

/** The roles that may call the /api/tokens routes at all (for `@Roles(...)`). */
export const TOKEN_ROLES: readonly Role[] = ROLES.filter((role) => TOKEN_ACCESS[role] !== 'none');

export interface TokenScope {
  tenantId?: string;
  userId?: string;
}

/**
 * The filter every token query of `actor` runs with. Naming a tenant the actor may not see throws
 * a 404 (readScope), and a member's filter adds their own user id, so others' tokens are simply not found.
 */
export function tokenScope(actor: Actor, requestedTenantId?: string | null): TokenScope {
  // The route guard already refuses these roles; refuse here too, should a route ever forget.
  if (TOKEN_ACCESS[actor.role] === 'none') throw new IdentityError(IdentityErrorCode.Forbidden);
  const scope: TokenScope = readScope(actor, requestedTenantId);
  if (TOKEN_ACCESS[actor.role] === 'own') scope.userId = actor.userId;
  return scope;
}

/**
 * Who owns a token created by `actor`: the creating member, owner or admin. A super admin is no
 * member of the tenant, so the token they create belongs to no one in particular (the tenant's owners
 * and admins manage it).
 */
export function tokenOwnerFor(actor: Actor): string | null {
  return TOKEN_ACCESS[actor.role] === 'platform' ? null : actor.userId;
}
