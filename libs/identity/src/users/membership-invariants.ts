// A tenant keeps at least one active owner and the platform at least one active super admin. Every
// change that could break that takes a transaction-scoped advisory lock on the user's membership
// (its tenant, or the super admins), so two concurrent demotions cannot both see "one other left".
import { EntityManager, IsNull, Not } from 'typeorm';
import { User } from '../entities/user.entity';
import { IdentityError, IdentityErrorCode } from '../identity.errors';
import { Role } from '../roles';

/** What the user will be after the change; null when it is being deleted. */
export type UserAfter = Pick<User, 'role' | 'tenantId' | 'disabled'> | null;

export async function lockMembership(manager: EntityManager, tenantId: string | null): Promise<void> {
  const key = tenantId === null ? 'identity:super-admins' : `identity:tenant:${tenantId}`;
  await manager.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [key]);
}

/** Refuses a change that would leave the user's tenant without an owner, or the platform without a super admin. */
export async function assertMembershipKeepsItsHead(
  manager: EntityManager,
  user: User,
  after: UserAfter,
): Promise<void> {
  const head = user.role === Role.SuperAdmin ? Role.SuperAdmin : Role.Owner;
  if (user.role !== head || user.disabled) return;
  const staysHead =
    after !== null && after.role === head && after.tenantId === user.tenantId && !after.disabled;
  if (staysHead) return;
  const others = await manager.count(User, {
    where: { role: head, tenantId: user.tenantId ?? IsNull(), disabled: false, id: Not(user.id) },
  });
  if (others > 0) return;
  throw new IdentityError(
    head === Role.SuperAdmin ? IdentityErrorCode.LastSuperAdmin : IdentityErrorCode.LastOwner,
  );
}
