import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { BillingWorkerModule } from '@gateway/billing/domain';
import { APP_CONFIG, type AppConfig } from '@gateway/config';
import { QueueName } from '@gateway/redis';
import { USAGE_INGESTOR_OPTIONS, UsageIngestor, type UsageIngestorOptions } from './ingest/usage-ingestor';
import { ReconcileUsageJob } from './reconcile/reconcile-usage.job';
import { UsageProcessor, UsageSchedules } from './reconcile/usage.processor';
import { PruneUsageRecordsJob, RollupUsageJob } from './rollup/usage-rollup.jobs';

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
