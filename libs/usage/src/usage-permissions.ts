// Who may read which usage: the one place these rules live (the controller's @Roles and every
// query's scope come from here).
import { Actor, IdentityError, IdentityErrorCode, readScope, Role, ROLES } from '@gateway/identity/domain';

/**
 * - `platform`: every tenant's usage (super admin), or one tenant's when named
 * - `tenant`: the caller's tenant (owner, admin, finance: finance reads usage and invoices)
 * - `own`: only requests made with tokens the caller owns (member)
 * - `none`: no usage at all (403)
 */
export type UsageAccess = 'platform' | 'tenant' | 'own' | 'none';

export const USAGE_ACCESS: Readonly<Record<Role, UsageAccess>> = Object.freeze({
  [Role.SuperAdmin]: 'platform',
  [Role.Owner]: 'tenant',
  [Role.Admin]: 'tenant',
  [Role.Finance]: 'tenant',
  [Role.Member]: 'own',
});

/** The roles that may call the /api/usage routes at all (for `@Roles(...)`). */
export const USAGE_ROLES: readonly Role[] = ROLES.filter((role) => USAGE_ACCESS[role] !== 'none');

export interface UsageScope {
  /** Only this tenant's records; absent = every tenant. */
  tenantId?: string;
  /** Only records of tokens this user owns (resolved to token ids by the query service). */
  tokenOwnerId?: string;
}

/**
 * The scope every usage query of `actor` runs in. Naming a tenant the actor may not see answers
 * 404 (readScope, as /api/tokens does), so other tenants' ids don't leak.
 */
export function usageScope(actor: Actor, requestedTenantId?: string | null): UsageScope {
  const access = USAGE_ACCESS[actor.role];
  // The route guard already refuses these roles; refuse here too, should a route ever forget.
  if (access === 'none') throw new IdentityError(IdentityErrorCode.Forbidden);
  const scope: UsageScope = readScope(actor, requestedTenantId);
  if (access === 'own') scope.tokenOwnerId = actor.userId;
  return scope;
}
