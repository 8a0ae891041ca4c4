import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig, ConfigModule, loggerModule } from '@gateway/config';
import { BillingWorkerModule } from '@gateway/billing/domain';
import { ChannelsWorkerModule } from '@gateway/channels/domain';
import { DbModule } from '@gateway/db';
import { IdentityWorkerModule } from '@gateway/identity/domain';
import { InvoicesWorkerModule } from '@gateway/invoices/domain';
import { RedisModule } from '@gateway/redis';
import { ENTITIES } from '@gateway/schema';
import { UsageWorkerModule } from '@gateway/usage/domain';

/** The worker process: BullMQ processors of every domain, no HTTP. */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        ConfigModule.forRoot(config),
        loggerModule(config, 'worker'),
        DbModule.forRoot({ entities: ENTITIES, applicationName: 'gateway-worker' }),
        RedisModule,
        IdentityWorkerModule,
        UsageWorkerModule,
        BillingWorkerModule,
        InvoicesWorkerModule,
        ChannelsWorkerModule,
      ],
    };
  }
}
