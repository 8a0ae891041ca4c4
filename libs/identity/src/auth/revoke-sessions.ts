// Ends live dashboard sessions when what they were issued for no longer holds (a disabled user or
// tenant, a new password, a new role). Run inside the change's transaction.
import { EntityManager, In, IsNull } from 'typeorm';
import { Session } from '../entities/session.entity';
import { User } from '../entities/user.entity';

export async function revokeSessionsOfUser(manager: EntityManager, userId: string): Promise<void> {
  await manager.update(Session, { userId, revokedAt: IsNull() }, { revokedAt: new Date() });
}

export async function revokeSessionsOfTenant(manager: EntityManager, tenantId: string): Promise<void> {
  const members = await manager.find(User, { where: { tenantId }, select: { id: true } });
  if (members.length === 0) return;
  await manager.update(
    Session,
    { userId: In(members.map((m) => m.id)), revokedAt: IsNull() },
    { revokedAt: new Date() },
  );
}
