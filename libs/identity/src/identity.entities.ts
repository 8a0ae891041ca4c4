import { Session } from './entities/session.entity';
import { Tenant } from './entities/tenant.entity';
import { User } from './entities/user.entity';

export const IDENTITY_ENTITIES = [Tenant, User, Session];
