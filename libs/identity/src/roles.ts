/** `super_admin` runs the platform; the others are roles inside one tenant. */
export enum Role {
  SuperAdmin = 'super_admin',
  Owner = 'owner',
  Admin = 'admin',
  Member = 'member',
  Finance = 'finance',
}

export const ROLES: readonly Role[] = Object.values(Role);
