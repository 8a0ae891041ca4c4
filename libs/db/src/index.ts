export { DbModule } from './db.module';
export { dataSourceOptions } from './data-source-options';
export type { DataSourceParams } from './data-source-options';
export { pendingSchemaChanges, runPendingMigrations } from './run-migrations';
export { waitForPostgres } from './postgres-reachable';
export { bigintTransformer, isUsdAmount, NANO_PER_USD, nanoToUsd, usdToNano } from './money';
export { isUniqueViolation } from './unique-violation';
export { isPostgresUnavailable } from './postgres-unavailable';
