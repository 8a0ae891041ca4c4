// `npm run db:migrate`: applies pending migrations to DATABASE_URL and says which.
import { migrationDatabaseUrl, parseConfig } from '@gateway/config';
import { dataSourceOptions, runPendingMigrations } from '@gateway/db';
import { DataSource } from 'typeorm';
import { ENTITIES } from './entities';

async function main(): Promise<void> {
  const url = migrationDatabaseUrl(parseConfig(process.env));
  if (!url) {
    throw new Error(
      'DATABASE_URL must be set (npm start applies migrations to its embedded PostgreSQL by itself)',
    );
  }
  const dataSource = await new DataSource(
    dataSourceOptions({ url, entities: ENTITIES, applicationName: 'gateway-migrate' }),
  ).initialize();
  try {
    const applied = await runPendingMigrations(dataSource);
    console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
