import { existsSync } from 'node:fs';
import { DynamicModule, Module } from '@nestjs/common';
import { ServeStaticModule } from '@nestjs/serve-static';
import { AppConfig, ConfigModule, loggerModule } from '@gateway/config';
import { DbModule } from '@gateway/db';
import { AuditModule } from '@gateway/audit';
import { BillingModule } from '@gateway/billing';
import { ChannelsModule } from '@gateway/channels';
import { IdempotencyModule } from '@gateway/idempotency';
import { IdentityModule } from '@gateway/identity';
import { InvoicesModule } from '@gateway/invoices';
import { MigrationModule } from '@gateway/migration';
import { PaymentsModule } from '@gateway/payments';
import { SettingsModule } from '@gateway/settings';
import { TokensModule } from '@gateway/tokens';
import { UsageModule } from '@gateway/usage';
import { RedisModule } from '@gateway/redis';
import { RelayModule } from '@gateway/relay';
import { ENTITIES } from '@gateway/schema';
import { SystemModule } from './system/system.module';

/** Paths the SPA's index.html must never answer for. */
const SERVER_PATHS = [
  '/api',
  '/api/{*rest}',
  '/v1',
  '/v1/{*rest}',
  '/v1beta/{*rest}',
  '/health',
  '/ready',
  '/metrics',
];

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    const spa = existsSync(config.WEB_DIST_DIR)
      ? [ServeStaticModule.forRoot({ rootPath: config.WEB_DIST_DIR, exclude: SERVER_PATHS })]
      : [];
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        loggerModule(config, 'api'),
        DbModule.forRoot({ entities: ENTITIES, applicationName: 'gateway-api' }),
        RedisModule,
        SystemModule,
        IdentityModule,
        AuditModule,
        IdempotencyModule,
        TokensModule,
        ChannelsModule,
        BillingModule,
        RelayModule,
        UsageModule,
        InvoicesModule,
        SettingsModule,
        MigrationModule,
        PaymentsModule,
        ...spa,
      ],
    };
  }
}
