// What each role sees in the SPA. These mirror the api's rules (the api enforces them; this only
// decides what to show): channels and prices are the platform's, finance reads usage and invoices
// only, members their own tokens and usage.
import type { Schema } from '@gateway/contracts';

export type Role = Schema<'UserView'>['role'];

export const ROLES: readonly Role[] = ['super_admin', 'owner', 'admin', 'member', 'finance'];

/** A page (and its navigation entry). */
export type Area =
  | 'dashboard'
  | 'channels'
  | 'models'
  | 'tenants'
  | 'users'
  | 'tokens'
  | 'usage'
  | 'billing'
  | 'plans'
  | 'invoices'
  | 'playground'
  | 'audit'
  | 'status'
  | 'settings';

export const AREA_ROLES: Readonly<Record<Area, readonly Role[]>> = {
  dashboard: ROLES,
  channels: ['super_admin'],
  models: ['super_admin', 'owner', 'admin'],
  tenants: ['super_admin'],
  users: ['super_admin', 'owner', 'admin'],
  tokens: ['super_admin', 'owner', 'admin', 'member'],
  usage: ROLES,
  billing: ['super_admin', 'owner', 'admin', 'finance'],
  plans: ['super_admin'],
  // As libs/invoices' INVOICE_READ_ROLES: a tenant's admin and members do not see its invoices.
  invoices: ['super_admin', 'owner', 'finance'],
  playground: ['super_admin', 'owner', 'admin', 'member'],
  audit: ['super_admin', 'owner'],
  status: ['super_admin'],
  settings: ['super_admin'],
};

export function canSee(role: Role, area: Area): boolean {
  return AREA_ROLES[area].includes(role);
}

/** The roles each role may hand out (as libs/identity's MANAGEABLE_ROLES). */
export const MANAGEABLE_ROLES: Readonly<Record<Role, readonly Role[]>> = {
  super_admin: ROLES,
  owner: ['owner', 'admin', 'member', 'finance'],
  admin: ['member', 'finance'],
  member: [],
  finance: [],
};

export const canEditPrices = (role: Role) => role === 'super_admin';
/** Top-ups, adjustments, redemption codes, price imports: the platform's operators. */
export const canCredit = (role: Role) => role === 'super_admin';
/** Redeeming a code into the tenant's balance (as libs/billing's REDEEM_ROLES). */
export const canRedeem = (role: Role) => role === 'super_admin' || role === 'owner' || role === 'admin';
/** Paying a top-up online (as libs/payments' TOPUP_PAYER_ROLES): the tenant's owner and finance. */
export const canPayOnline = (role: Role) => role === 'owner' || role === 'finance';
/** Creating plans and putting a tenant on one (as libs/billing's PLAN_WRITE_ROLES). */
export const canManagePlans = (role: Role) => role === 'super_admin';
export const isPlatformAdmin = (role: Role) => role === 'super_admin';
