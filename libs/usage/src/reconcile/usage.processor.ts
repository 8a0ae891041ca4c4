import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { QueueName } from '@gateway/redis';
import { Job, Queue } from 'bullmq';
import { ReconcileUsageJob } from './reconcile-usage.job';

/** Runs the usage domain's jobs in the worker. */
@Processor(QueueName.Usage)
export class UsageProcessor extends WorkerHost {
  constructor(private readonly reconcile: ReconcileUsageJob) {
    super();
  }

  async process(job: Job): Promise<unknown> {
    switch (job.name) {
      case ReconcileUsageJob.name:
        return this.reconcile.run();
      default:
        throw new Error(`unknown job ${job.name} on queue ${QueueName.Usage}`);
    }
  }
}

/** Registers the usage domain's repeatable jobs; upserting makes this safe from every worker. */
@Injectable()
export class UsageSchedules implements OnApplicationBootstrap {
  constructor(@InjectQueue(QueueName.Usage) private readonly queue: Queue) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.upsertJobScheduler(
      ReconcileUsageJob.name,
      { every: 60 * 60 * 1000 },
      { name: ReconcileUsageJob.name, opts: { removeOnComplete: 48, removeOnFail: 200 } },
    );
  }
}
