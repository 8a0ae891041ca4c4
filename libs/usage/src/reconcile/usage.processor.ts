import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { MirrorReconciler, TokenMirrorSweep } from '@gateway/billing/domain';
import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@gateway/config';
import { QueueName, unknownJob } from '@gateway/redis';
import { Job, Queue } from 'bullmq';
import {
  PRUNE_USAGE_RECORDS_JOB,
  PruneUsageRecordsJob,
  ROLLUP_USAGE_JOB,
  RollupUsageJob,
} from '../rollup/usage-rollup.jobs';
import { RECONCILE_USAGE_JOB, ReconcileUsageJob } from './reconcile-usage.job';

/** Moves the Redis balance mirror up to the ledger where it missed debits (MirrorReconciler). */
export const RECONCILE_MIRROR_JOB = 'ReconcileBalanceMirrorJob';
/** Deletes the Redis mirrors of token spend that no admission names any more (TokenMirrorSweep). */
export const SWEEP_TOKEN_MIRRORS_JOB = 'SweepTokenMirrorsJob';

/** Runs the usage domain's jobs in the worker. */
@Processor(QueueName.Usage)
export class UsageProcessor extends WorkerHost {
  constructor(
    private readonly reconcile: ReconcileUsageJob,
    private readonly rollup: RollupUsageJob,
    private readonly prune: PruneUsageRecordsJob,
    private readonly mirror: MirrorReconciler,
    private readonly tokenMirrors: TokenMirrorSweep,
  ) {
    super();
  }

  async process(job: Job): Promise<unknown> {
    switch (job.name) {
      case RECONCILE_USAGE_JOB:
        return this.reconcile.run();
      case ROLLUP_USAGE_JOB:
        return this.rollup.run();
      case PRUNE_USAGE_RECORDS_JOB:
        return this.prune.run();
      case RECONCILE_MIRROR_JOB:
        return this.mirror.run();
      case SWEEP_TOKEN_MIRRORS_JOB:
        return this.tokenMirrors.run();
      default:
        throw unknownJob(QueueName.Usage, job.name);
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
      RECONCILE_USAGE_JOB,
      { every: 60 * 60 * 1000 },
      { name: RECONCILE_USAGE_JOB, opts: { removeOnComplete: 48, removeOnFail: 200 } },
    );
    // Not retried: the next run redoes it, and a short period is what bounds a mirror's drift.
    await this.queue.upsertJobScheduler(
      RECONCILE_MIRROR_JOB,
      { every: this.config.BILLING_MIRROR_RECONCILE_MS },
      { name: RECONCILE_MIRROR_JOB, opts: { removeOnComplete: 20, removeOnFail: 100 } },
    );
    // Not retried either: what a run leaves, the next one deletes.
    await this.queue.upsertJobScheduler(
      SWEEP_TOKEN_MIRRORS_JOB,
      { every: 60 * 60 * 1000 },
      { name: SWEEP_TOKEN_MIRRORS_JOB, opts: { removeOnComplete: 24, removeOnFail: 100 } },
    );
    await this.queue.upsertJobScheduler(
      ROLLUP_USAGE_JOB,
      { every: this.config.USAGE_ROLLUP_EVERY_MS },
      { name: ROLLUP_USAGE_JOB, opts: { ...RETRIED, removeOnComplete: 100, removeOnFail: 200 } },
    );
    if (this.config.USAGE_RETENTION_DAYS > 0) {
      await this.queue.upsertJobScheduler(
        PRUNE_USAGE_RECORDS_JOB,
        { every: 60 * 60 * 1000 },
        { name: PRUNE_USAGE_RECORDS_JOB, opts: { ...RETRIED, removeOnComplete: 48, removeOnFail: 200 } },
      );
    } else {
      await this.queue.removeJobScheduler(PRUNE_USAGE_RECORDS_JOB);
    }
  }
}
