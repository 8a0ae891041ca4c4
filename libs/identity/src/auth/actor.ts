// Who is calling /api, and which tenant an operation may touch. Every domain scopes its queries
// through these two functions so that a user of tenant A can never see or change tenant B.
import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { IdentityError, IdentityErrorCode } from '../identity.errors';
import { Role } from '../roles';
import type { AuthenticatedRequest } from './access.decorators';

export interface Actor {
  userId: string;
  email: string;
  role: Role;
  /** null only for super admins. */
  tenantId: string | null;
  ip: string | null;
  requestId: string | null;
}

export function isSuperAdmin(actor: Actor): boolean {
  return actor.role === Role.SuperAdmin;
}

/**
 * The tenant filter for a read. A super admin sees every tenant, or the one named; anyone else sees
 * only their own, and naming another tenant finds nothing (404, so ids don't leak).
 */
export function readScope(actor: Actor, requestedTenantId?: string | null): { tenantId?: string } {
  if (isSuperAdmin(actor)) return requestedTenantId ? { tenantId: requestedTenantId } : {};
  if (!actor.tenantId || (requestedTenantId && requestedTenantId !== actor.tenantId)) {
    throw new IdentityError(IdentityErrorCode.NotFound);
  }
  return { tenantId: actor.tenantId };
}

/** The tenant a create acts in: a super admin must name one; anyone else creates in their own. */
export function writeTenant(actor: Actor, requestedTenantId?: string | null): string {
  if (isSuperAdmin(actor)) {
    if (!requestedTenantId) throw new IdentityError(IdentityErrorCode.TenantRequired);
    return requestedTenantId;
  }
  if (!actor.tenantId || (requestedTenantId && requestedTenantId !== actor.tenantId)) {
    throw new IdentityError(IdentityErrorCode.NotFound);
  }
  return actor.tenantId;
}

/** True when the actor may see a row of `tenantId` (else answer 404). */
export function canSeeTenant(actor: Actor, tenantId: string | null): boolean {
  return isSuperAdmin(actor) || (tenantId !== null && tenantId === actor.tenantId);
}

export const CurrentActor = createParamDecorator((_data: unknown, ctx: ExecutionContext): Actor => {
  const req = ctx.switchToHttp().getRequest<AuthenticatedRequest & { id?: string }>();
  const user = req.user;
  if (!user) throw new IdentityError(IdentityErrorCode.Unauthenticated);
  return {
    userId: user.id,
    email: user.email,
    role: user.role,
    tenantId: user.tenantId,
    ip: req.ip ?? null,
    requestId: req.id ?? null,
  };
});
