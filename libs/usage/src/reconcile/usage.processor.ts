import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@gateway/config';
import { QueueName } from '@gateway/redis';
import { Job, Queue } from 'bullmq';
import { PruneUsageRecordsJob, RollupUsageJob } from '../rollup/usage-rollup.jobs';
import { ReconcileUsageJob } from './reconcile-usage.job';

/** Runs the usage domain's jobs in the worker. */
@Processor(QueueName.Usage)
export class UsageProcessor extends WorkerHost {
  constructor(
    private readonly reconcile: ReconcileUsageJob,
    private readonly rollup: RollupUsageJob,
    private readonly prune: PruneUsageRecordsJob,
  ) {
    super();
  }

  async process(job: Job): Promise<unknown> {
    switch (job.name) {
      case ReconcileUsageJob.name:
        return this.reconcile.run();
      case RollupUsageJob.name:
        return this.rollup.run();
      case PruneUsageRecordsJob.name:
        return this.prune.run();
      default:
        throw new Error(`unknown job ${job.name} on queue ${QueueName.Usage}`);
    }
  }
}

/** A failed run is retried with backoff; the next scheduled run would redo its work anyway. */
const RETRIED = { attempts: 5, backoff: { type: 'exponential', delay: 5_000 } } as const;

/** Registers the usage domain's repeatable jobs; upserting makes this safe from every worker. */
@Injectable()
export class UsageSchedules implements OnApplicationBootstrap {
  constructor(
    @InjectQueue(QueueName.Usage) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.upsertJobScheduler(
      ReconcileUsageJob.name,
      { every: 60 * 60 * 1000 },
      { name: ReconcileUsageJob.name, opts: { removeOnComplete: 48, removeOnFail: 200 } },
    );
    await this.queue.upsertJobScheduler(
      RollupUsageJob.name,
      { every: this.config.USAGE_ROLLUP_EVERY_MS },
      { name: RollupUsageJob.name, opts: { ...RETRIED, removeOnComplete: 100, removeOnFail: 200 } },
    );
    if (this.config.USAGE_RETENTION_DAYS > 0) {
      await this.queue.upsertJobScheduler(
        PruneUsageRecordsJob.name,
        { every: 60 * 60 * 1000 },
        { name: PruneUsageRecordsJob.name, opts: { ...RETRIED, removeOnComplete: 48, removeOnFail: 200 } },
      );
    } else {
      await this.queue.removeJobScheduler(PruneUsageRecordsJob.name);
    }
  }
}
