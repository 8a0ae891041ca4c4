import { Role, Roles } from '@gateway/identity';

/** An import creates channels, tenants, users, balances and tokens: super admins only. */
export const MIGRATION_ROLES: readonly Role[] = [Role.SuperAdmin];
export const MigrationAdmin = () => Roles(...MIGRATION_ROLES);
