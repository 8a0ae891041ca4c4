import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ChannelsModule } from '@gateway/channels';
import { TokensModule } from '@gateway/tokens';
import { UsageQueryService } from './query/usage-query.service';
import { StoredUsageLookup } from './recorder/stored-usage-lookup';
import { UsageDirectStore } from './recorder/usage-direct-store';
import { UsageRecorder } from './recorder/usage-recorder';
import { USAGE_ENTITIES } from './usage.entities';
import { UsageController } from './usage.controller';

/**
 * The api side: UsageRecorder for the relay (import this module to get it) and /api/usage.
 * Needs APP_CONFIG and REDIS (global modules).
 */
@Module({
  imports: [TypeOrmModule.forFeature(USAGE_ENTITIES), TokensModule, ChannelsModule],
  controllers: [UsageController],
  providers: [UsageRecorder, StoredUsageLookup, UsageDirectStore, UsageQueryService],
  exports: [UsageRecorder],
})
export class UsageModule {}
