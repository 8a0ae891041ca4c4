export * from './domain';
export { MigrationModule } from './migration.module';
export { MIGRATION_ROLES } from './migration-permissions';
export { NEWAPI_IMPORT_AUDIT_TYPE, NewApiMigrationService } from './newapi/newapi-migration.service';
export type { MigrationOptions } from './newapi/newapi-migration.service';
export { openSource, isDatabaseUrl } from './newapi/source/open-source';
export { SourceUnreadable } from './newapi/source/sqlite-source';
export type { NewApiSource } from './newapi/source/newapi-source';
export { NewApiMigrationReport } from './newapi/views/newapi-migration-report.view';
