// Who may do what with models and prices. The one place these rules live.
import { Authenticated, Role, Roles } from '@gateway/identity';

/** Setting a price: the platform's operators. */
export const PRICE_WRITE_ROLES: readonly Role[] = [Role.SuperAdmin];
export const PriceAdmin = () => Roles(...PRICE_WRITE_ROLES);

/**
 * Reading the catalog and prices: anyone logged in. A tenant's user sees only the models of
 * channels serving their tenant's group (others answer 404); a super admin sees every model.
 */
export const CatalogReader = () => Authenticated();

/**
 * Crediting money (top-ups, adjustments, redemption codes), group multipliers and price imports:
 * the platform's operators only.
 */
export const CREDIT_WRITE_ROLES: readonly Role[] = [Role.SuperAdmin];
export const CreditAdmin = () => Roles(...CREDIT_WRITE_ROLES);

/**
 * Reading a tenant's ledger: the platform, and the tenant's owner, admin and finance (a member
 * gets 403; another tenant's id answers 404).
 */
export const LEDGER_READ_ROLES: readonly Role[] = [Role.SuperAdmin, Role.Owner, Role.Admin, Role.Finance];
export const LedgerReader = () => Roles(...LEDGER_READ_ROLES);

/** Redeeming a code into a tenant's balance: its owner or admin (a super admin names the tenant). */
export const REDEEM_ROLES: readonly Role[] = [Role.SuperAdmin, Role.Owner, Role.Admin];
export const Redeemer = () => Roles(...REDEEM_ROLES);

/**
 * A tenant's balance (also in every tenant read): anyone who may read the tenant, since whether
 * requests will be admitted concerns every member. The ledger's lines stay with LEDGER_READ_ROLES.
 */
export const BalanceReader = () => Authenticated();

/** A group's multiplier: anyone logged in for their own tenant's group; a super admin for any. */
export const MultiplierReader = () => Authenticated();

/** Creating and changing plans, and putting a tenant on one: the platform's operators. */
export const PLAN_WRITE_ROLES: readonly Role[] = [Role.SuperAdmin];
export const PlanAdmin = () => Roles(...PLAN_WRITE_ROLES);

/** The plan list: anyone logged in (a tenant's users see only active plans, to choose from). */
export const PlanReader = () => Authenticated();

/** A tenant's subscription and its history: like the ledger (member 403, another tenant 404). */
export const SUBSCRIPTION_READ_ROLES: readonly Role[] = LEDGER_READ_ROLES;
export const SubscriptionReader = () => Roles(...SUBSCRIPTION_READ_ROLES);
