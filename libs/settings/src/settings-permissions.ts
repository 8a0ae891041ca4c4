import { Public, Role, Roles } from '@gateway/identity';

/** Runtime settings change how the whole platform behaves: super admins only. */
export const SETTINGS_ROLES: readonly Role[] = [Role.SuperAdmin];
export const SettingsAdmin = () => Roles(...SETTINGS_ROLES);
/** The site's name and whether sign-up is open are shown on the login page. */
export const PublicSettingsReader = () => Public();
