// The importer without its HTTP face and its sources (`@gateway/migration/domain`): its tables, for
// the schema. Nothing reachable from here loads a controller, a DTO, a view or a source driver
// (docs/design.md, "Layers"); index.ts adds the import itself.
export { MIGRATION_ENTITIES } from './migration.entities';
export { ImportLink } from './entities/import-link.entity';
export { MigrationError, MigrationErrorCode } from './migration.errors';
