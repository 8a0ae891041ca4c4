import type { DataSourceOptions, MixedList } from 'typeorm';
import { MIGRATIONS } from './migrations';

export interface DataSourceParams {
  url: string;
  /** The full, explicit entity list (composed in libs/schema). */
  entities: MixedList<Function>; // eslint-disable-line @typescript-eslint/no-unsafe-function-type
  applicationName?: string;
  poolSize?: number;
}

/** The one place that says how the gateway talks to PostgreSQL. Schema changes go through migrations only. */
export function dataSourceOptions(params: DataSourceParams): DataSourceOptions {
  return {
    type: 'postgres',
    // gen_random_uuid() is built into PostgreSQL 13+; no extension to install.
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    url: params.url,
    entities: params.entities,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    synchronize: false,
    migrationsRun: false,
    logging: ['error'],
    applicationName: params.applicationName ?? 'gateway',
    extra: { max: params.poolSize ?? 10, connectionTimeoutMillis: 5_000 },
  };
}
