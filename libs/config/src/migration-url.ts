/**
 * The connection the migration runner uses. Its lock is a session-scoped advisory lock, which a
 * transaction-pooling PgBouncer would hand to whichever client got the server connection next, so
 * DATABASE_DIRECT_URL (straight to PostgreSQL) wins when set; nothing else uses it.
 */
export function migrationDatabaseUrl(config: {
  DATABASE_URL?: string;
  DATABASE_DIRECT_URL?: string;
}): string | undefined {
  return config.DATABASE_DIRECT_URL ?? config.DATABASE_URL;
}
