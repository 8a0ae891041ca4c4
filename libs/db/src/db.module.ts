import { DynamicModule, Injectable, Logger, Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, AppConfig } from '@gateway/config';
import { DataSource, MixedList } from 'typeorm';
import { dataSourceOptions } from './data-source-options';
import { runPendingMigrations } from './run-migrations';

interface DbModuleOptions {
  entities: MixedList<Function>; // eslint-disable-line @typescript-eslint/no-unsafe-function-type
  applicationName: string;
}

/** Applies pending migrations when the process starts, before it serves anything. */
@Injectable()
class MigrateOnStart implements OnModuleInit {
  private readonly logger = new Logger('Database');
  constructor(private readonly dataSource: DataSource) {}
  async onModuleInit(): Promise<void> {
    const applied = await runPendingMigrations(this.dataSource);
    if (applied.length > 0) this.logger.log(`applied migrations: ${applied.join(', ')}`);
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
      providers: [MigrateOnStart],
    };
  }
}
