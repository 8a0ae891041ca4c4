import { ImportLink } from './entities/import-link.entity';

export const MIGRATION_ENTITIES = [ImportLink];
