import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ChannelsModule } from '@gateway/channels';
import { TokensModule } from '@gateway/tokens';
import { UsageRecord } from './entities/usage-record.entity';
import { UsageIngestor } from './ingest/usage-ingestor';
import { UsageQueryService } from './query/usage-query.service';
import { UsageRecorder } from './recorder/usage-recorder';
import { UsageController } from './usage.controller';

export const USAGE_ENTITIES = [UsageRecord];

/**
 * The api side: UsageRecorder for the relay (import this module to get it) and /api/usage.
 * Needs APP_CONFIG and REDIS (global modules).
 */
@Module({
  imports: [TypeOrmModule.forFeature(USAGE_ENTITIES), TokensModule, ChannelsModule],
  controllers: [UsageController],
  providers: [UsageRecorder, UsageQueryService],
  exports: [UsageRecorder],
})
export class UsageModule {}

/** The worker side: the ingestor moving events from the Redis stream into usage_records. */
@Module({
  providers: [UsageIngestor],
  exports: [UsageIngestor],
})
export class UsageWorkerModule {}
