// Who may do what with payments. The one place these rules live.
import { Public, Role, Roles } from '@gateway/identity';

/** Configuring payment providers (their secrets included): the platform's operators. */
export const PAYMENT_PROVIDER_ADMIN_ROLES: readonly Role[] = [Role.SuperAdmin];
export const PaymentProviderAdmin = () => Roles(...PAYMENT_PROVIDER_ADMIN_ROLES);

/** Paying money in online: a tenant's owner and finance users, for their own tenant. */
export const TOPUP_PAYER_ROLES: readonly Role[] = [Role.Owner, Role.Finance];
export const TopupPayer = () => Roles(...TOPUP_PAYER_ROLES);

/** Reading a tenant's top-up orders: the platform, and the tenant's owner and finance. */
export const TOPUP_ORDER_READ_ROLES: readonly Role[] = [Role.SuperAdmin, Role.Owner, Role.Finance];
export const TopupOrderReader = () => Roles(...TOPUP_ORDER_READ_ROLES);

/** Providers' notifications: no session; each is verified by its provider's signature instead. */
export const ProviderNotification = () => Public();
