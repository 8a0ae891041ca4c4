import type { DataSource } from 'typeorm';

// Any constant works; it only has to be the same in every process of the system.
const MIGRATION_LOCK_ID = 727_001;

/**
 * Applies pending migrations under a Postgres advisory lock, so that several api and worker
 * processes starting together apply each migration exactly once. Returns the names applied.
 */
export async function runPendingMigrations(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]).catch(() => undefined);
    await runner.release();
  }
}

/**
 * The SQL that would bring the database in line with the entities. Empty when entities and
 * migrations agree; anything else means a migration is missing.
 */
export async function pendingSchemaChanges(dataSource: DataSource): Promise<string[]> {
  const sql = await dataSource.driver.createSchemaBuilder().log();
  return sql.upQueries.map((query) => query.query);
}
