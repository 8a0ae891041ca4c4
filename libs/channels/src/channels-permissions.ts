// Who may touch channels and their keys: the platform's operators only. Tenants never see channels
// (their routing group is all they know of them). The one place this rule lives.
import { Role, Roles } from '@gateway/identity';

export const CHANNEL_ADMIN_ROLES: readonly Role[] = [Role.SuperAdmin];

/** Access rule for every channel and channel-key route. */
export const ChannelAdmin = () => Roles(...CHANNEL_ADMIN_ROLES);
