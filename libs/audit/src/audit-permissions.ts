import { Role } from '@gateway/identity/domain';

/** Roles that may read the audit log: a super admin all of it, an owner their own tenant's rows. */
export const AUDIT_READER_ROLES: readonly Role[] = [Role.SuperAdmin, Role.Owner];
