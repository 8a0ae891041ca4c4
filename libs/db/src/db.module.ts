import { DynamicModule, Inject, Injectable, Logger, Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, AppConfig, migrationDatabaseUrl } from '@gateway/config';
import { DataSource, MixedList } from 'typeorm';
import { dataSourceOptions } from './data-source-options';
import { runPendingMigrations } from './run-migrations';

interface DbModuleOptions {
  entities: MixedList<Function>; // eslint-disable-line @typescript-eslint/no-unsafe-function-type
  applicationName: string;
}

const DB_MODULE_OPTIONS = Symbol('DB_MODULE_OPTIONS');

/**
 * Applies pending migrations when the process starts, before it serves anything: over the pool,
 * or over a connection of its own to DATABASE_DIRECT_URL when that is set (behind PgBouncer).
 */
@Injectable()
class MigrateOnStart implements OnModuleInit {
  private readonly logger = new Logger('Database');
  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DB_MODULE_OPTIONS) private readonly options: DbModuleOptions,
  ) {}
  async onModuleInit(): Promise<void> {
    const url = migrationDatabaseUrl(this.config);
    const direct =
      url === undefined || url === this.config.DATABASE_URL
        ? undefined
        : await new DataSource(
            dataSourceOptions({
              url,
              entities: this.options.entities,
              applicationName: `${this.options.applicationName}-migrate`,
              poolSize: 1,
            }),
          ).initialize();
    try {
      const applied = await runPendingMigrations(direct ?? this.dataSource);
      if (applied.length > 0) this.logger.log(`applied migrations: ${applied.join(', ')}`);
    } finally {
      await direct?.destroy();
    }
  }
}

@Module({})
export class DbModule {
  static forRoot(options: DbModuleOptions): DynamicModule {
    return {
      module: DbModule,
      global: true,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) =>
            dataSourceOptions({
              url: config.DATABASE_URL,
              entities: options.entities,
              applicationName: options.applicationName,
            }),
        }),
      ],
      providers: [{ provide: DB_MODULE_OPTIONS, useValue: options }, MigrateOnStart],
    };
  }
}
