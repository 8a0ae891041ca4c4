import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@gateway/config';
import { QueueName } from '@gateway/redis';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BillingWorkerModule } from '@gateway/billing';
import { ChannelsModule } from '@gateway/channels';
import { TokensModule } from '@gateway/tokens';
import { UsageRecord } from './entities/usage-record.entity';
import { USAGE_INGESTOR_OPTIONS, UsageIngestor, type UsageIngestorOptions } from './ingest/usage-ingestor';
import { ReconcileUsageJob } from './reconcile/reconcile-usage.job';
import { UsageProcessor, UsageSchedules } from './reconcile/usage.processor';
import { UsageQueryService } from './query/usage-query.service';
import { StoredUsageLookup } from './recorder/stored-usage-lookup';
import { UsageRecorder } from './recorder/usage-recorder';
import { UsageDailyRollup } from './rollup/entities/usage-daily-rollup.entity';
import { UsageHourlyRollup } from './rollup/entities/usage-hourly-rollup.entity';
import { UsageRetired } from './rollup/entities/usage-retired.entity';
import { UsageRollupPending } from './rollup/entities/usage-rollup-pending.entity';
import { PruneUsageRecordsJob, RollupUsageJob } from './rollup/usage-rollup.jobs';
import { UsageController } from './usage.controller';

export const USAGE_ENTITIES = [
  UsageRecord,
  UsageHourlyRollup,
  UsageDailyRollup,
  UsageRollupPending,
  UsageRetired,
];

/**
 * The api side: UsageRecorder for the relay (import this module to get it) and /api/usage.
 * Needs APP_CONFIG and REDIS (global modules).
 */
@Module({
  imports: [TypeOrmModule.forFeature(USAGE_ENTITIES), TokensModule, ChannelsModule],
  controllers: [UsageController],
  providers: [UsageRecorder, StoredUsageLookup, UsageQueryService],
  exports: [UsageRecorder],
})
export class UsageModule {}

/** The worker side: the ingestor moving events from the Redis stream into usage_records. */
@Module({
  imports: [BullModule.registerQueue({ name: QueueName.Usage }), BillingWorkerModule],
  providers: [
    // A batch held by a worker that died is taken over after WORKER_TAKEOVER_MS (issue #14 drills).
    {
      provide: USAGE_INGESTOR_OPTIONS,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): Partial<UsageIngestorOptions> => ({
        claimIdleMs: config.WORKER_TAKEOVER_MS,
      }),
    },
    UsageIngestor,
    ReconcileUsageJob,
    RollupUsageJob,
    PruneUsageRecordsJob,
    UsageProcessor,
    UsageSchedules,
  ],
  exports: [UsageIngestor, ReconcileUsageJob, RollupUsageJob, PruneUsageRecordsJob],
})
export class UsageWorkerModule {}
