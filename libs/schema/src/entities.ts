// The database schema's composition root: every entity of every domain, listed explicitly.
// Domain libs cannot see each other's tables; only this list (and the migrations) sees them all.
import { IDENTITY_ENTITIES } from '@gateway/identity';

export const ENTITIES = [...IDENTITY_ENTITIES];
