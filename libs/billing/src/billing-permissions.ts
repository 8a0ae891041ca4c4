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
