// Who may do what to tenants and users: the identity domain's role rules, in one place. Services
// enforce them; tests generate their role tables from them. Tenant scoping (A never sees B) is not
// here: it comes from readScope / canSeeTenant and answers 404.
import { Role, ROLES } from './roles';

/**
 * The roles each role may create, edit, disable, delete and hand out. A role never manages one that
 * can reach what it cannot: whoever sets a user's role or password can act as that user. So an
 * admin, who may not read invoices, manages no finance user (who does).
 */
export const MANAGEABLE_ROLES: Readonly<Record<Role, readonly Role[]>> = {
  [Role.SuperAdmin]: ROLES,
  [Role.Owner]: [Role.Owner, Role.Admin, Role.Member, Role.Finance],
  [Role.Admin]: [Role.Member],
  [Role.Member]: [],
  [Role.Finance]: [],
};

/** Roles that may list and read users (a super admin every user, the others their own tenant's). */
export const USER_MANAGER_ROLES: readonly Role[] = ROLES.filter((role) => MANAGEABLE_ROLES[role].length > 0);

/** True when `actor` may create, change or delete a user holding `target`, or give someone `target`. */
export function canManageRole(actor: Role, target: Role): boolean {
  return MANAGEABLE_ROLES[actor].includes(target);
}

/** Only a super admin moves a user from one tenant to another. */
export function canMoveUsersBetweenTenants(actor: Role): boolean {
  return actor === Role.SuperAdmin;
}

export type TenantField = 'name' | 'group' | 'timezone' | 'billingEmail' | 'status' | 'billingProfile';

export const TENANT_FIELDS: readonly TenantField[] = [
  'name',
  'group',
  'timezone',
  'billingEmail',
  'status',
  'billingProfile',
];

/**
 * The tenant fields each role may change (on its own tenant; a super admin on any). Group and status
 * are the platform's business: the group picks channels and prices, the status decides who may log in.
 */
export const EDITABLE_TENANT_FIELDS: Readonly<Record<Role, readonly TenantField[]>> = {
  [Role.SuperAdmin]: TENANT_FIELDS,
  [Role.Owner]: ['name', 'timezone', 'billingEmail', 'billingProfile'],
  [Role.Admin]: [],
  [Role.Member]: [],
  // Finance files the invoices, so it keeps the name and address they are made out to.
  [Role.Finance]: ['billingProfile'],
};

/** Roles that may list every tenant and create tenants. */
export const TENANT_ADMIN_ROLES: readonly Role[] = [Role.SuperAdmin];

/** Roles that may PATCH a tenant at all (which fields: EDITABLE_TENANT_FIELDS). */
export const TENANT_EDITOR_ROLES: readonly Role[] = ROLES.filter(
  (role) => EDITABLE_TENANT_FIELDS[role].length > 0,
);

/** Fields of `changed` that `role` may not change. */
export function forbiddenTenantFields(role: Role, changed: readonly TenantField[]): TenantField[] {
  return changed.filter((field) => !EDITABLE_TENANT_FIELDS[role].includes(field));
}
