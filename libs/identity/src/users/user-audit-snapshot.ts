import { UserView } from '../views/user.view';
import type { User } from '../entities/user.entity';

/** A user as an audit row keeps it: the view plus the hash, which the recorder redacts (it shows a secret was there, never its value). */
export function userAuditSnapshot(user: User): Record<string, unknown> {
  return { ...UserView.of(user), passwordHash: user.passwordHash };
}
