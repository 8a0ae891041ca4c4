import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { QueueName, unknownJob } from '@gateway/redis';
import { Job, Queue } from 'bullmq';
import { PRUNE_EXPIRED_SESSIONS_JOB, PruneExpiredSessionsJob } from './prune-expired-sessions.job';

/** Runs the identity domain's jobs in the worker. */
@Processor(QueueName.Identity)
export class IdentityProcessor extends WorkerHost {
  constructor(private readonly pruneSessions: PruneExpiredSessionsJob) {
    super();
  }

  async process(job: Job): Promise<unknown> {
    switch (job.name) {
      case PRUNE_EXPIRED_SESSIONS_JOB:
        return this.pruneSessions.run();
      default:
        throw unknownJob(QueueName.Identity, job.name);
    }
  }
}

/** Registers the identity domain's repeatable jobs; upserting makes this safe from every worker. */
@Injectable()
export class IdentitySchedules implements OnApplicationBootstrap {
  constructor(@InjectQueue(QueueName.Identity) private readonly queue: Queue) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.upsertJobScheduler(
      PRUNE_EXPIRED_SESSIONS_JOB,
      { every: 60 * 60 * 1000 },
      { name: PRUNE_EXPIRED_SESSIONS_JOB, opts: { removeOnComplete: 100, removeOnFail: 500 } },
    );
  }
}
