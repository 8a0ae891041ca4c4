import { Processor, WorkerHost } from '@nestjs/bullmq';
import { QueueName, unknownJob } from '@gateway/redis';
import { DelayedError, Job } from 'bullmq';
import { ProbeKeyData, ProbeKeyJob } from './probe-key.job';
import { PROBE_JOB, PRUNE_JOB, ProbeSchedules, SWEEP_JOB, SYNC_JOB } from './probe-schedules';
import { PruneProbeHistoryJob } from './prune-probe-history.job';
import { SweepCoolingKeysJob } from './sweep-cooling-keys.job';

/**
 * Runs the channels domain's jobs in the worker. A job is held by one worker at a time (BullMQ's
 * lock), so two workers never probe the same key for the same iteration; a worker that dies
 * mid-job loses its lock and another picks the job up, which the probe's job id makes harmless.
 */
@Processor(QueueName.Channels, { concurrency: 4, lockDuration: 60_000 })
export class ChannelsProcessor extends WorkerHost {
  constructor(
    private readonly probeKey: ProbeKeyJob,
    private readonly sweep: SweepCoolingKeysJob,
    private readonly prune: PruneProbeHistoryJob,
    private readonly schedules: ProbeSchedules,
  ) {
    super();
  }

  async process(job: Job, token?: string): Promise<unknown> {
    switch (job.name) {
      case PROBE_JOB: {
        const outcome = await this.probeKey.run(job.id as string, job.data as ProbeKeyData);
        if ('retryAt' in outcome) {
          // The provider's probe rate is used up this minute: try again in the next one, spread out.
          await job.moveToDelayed(outcome.retryAt + Math.floor(Math.random() * 5_000), token);
          throw new DelayedError();
        }
        return outcome;
      }
      case SWEEP_JOB:
        return this.sweep.run();
      case PRUNE_JOB:
        return this.prune.run();
      case SYNC_JOB:
        return this.schedules.syncAll();
      default:
        throw unknownJob(QueueName.Channels, job.name);
    }
  }
}
