// `npm run db:migrate`: applies pending migrations to DATABASE_URL and says which.
import { parseConfig } from '@gateway/config';
import { dataSourceOptions, runPendingMigrations } from '@gateway/db';
import { DataSource } from 'typeorm';
import { ENTITIES } from './entities';

async function main(): Promise<void> {
  const config = parseConfig(process.env);
  if (!config.DATABASE_URL) {
    throw new Error(
      'DATABASE_URL must be set (npm start applies migrations to its embedded PostgreSQL by itself)',
    );
  }
  const dataSource = await new DataSource(
    dataSourceOptions({ url: config.DATABASE_URL, entities: ENTITIES, applicationName: 'gateway-migrate' }),
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
