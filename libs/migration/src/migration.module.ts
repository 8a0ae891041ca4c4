import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BillingModule } from '@gateway/billing';
import { ChannelsModule } from '@gateway/channels';
import { TokensModule } from '@gateway/tokens';
import { MIGRATION_ENTITIES } from './migration.entities';
import { NewApiMigrationController } from './newapi/newapi-migration.controller';
import { NewApiMigrationService } from './newapi/newapi-migration.service';

/** Moving another gateway's installation over (NewAPI / one-api), through the owning domains' services. */
@Module({
  imports: [TypeOrmModule.forFeature(MIGRATION_ENTITIES), ChannelsModule, BillingModule, TokensModule],
  controllers: [NewApiMigrationController],
  providers: [NewApiMigrationService],
  exports: [NewApiMigrationService],
})
export class MigrationModule {}
