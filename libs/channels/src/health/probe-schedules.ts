// The repeatable probe of every key that may be probed, kept in step with the database: one BullMQ
// job scheduler per key (id `probe-<keyId>`, every = its channel's probeIntervalS, offset by a
// per-key jitter so a pool's keys spread over the interval). Synced when a channel change is
// announced, when the change feed may have missed one, and every few minutes as a safety net.
// Upserting is idempotent, so every worker process may sync at once.
import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { ChangeFeed, QueueName } from '@gateway/redis';
import type { JobsOptions, Queue } from 'bullmq';
import { createHash } from 'node:crypto';
import { Repository } from 'typeorm';
import { CHANNELS_TOPIC } from '../channels-topic';
import { ChannelKey } from '../entities/channel-key.entity';
import type { ProbeKeyData } from './probe-key.job';

// Job names as stored in Redis by earlier releases (the jobs' class names then): never change them.
export const PROBE_JOB = 'ProbeKeyJob';
export const SWEEP_JOB = 'SweepCoolingKeysJob';
export const PRUNE_JOB = 'PruneProbeHistoryJob';
export const SYNC_JOB = 'SyncProbeSchedulesJob';

const SCHEDULER_PREFIX = 'probe-';
const MINUTE_MS = 60_000;

/** Probe jobs are retried (a database or Redis hiccup), with backoff; a few are kept for inspection. */
export const PROBE_JOB_OPTIONS: JobsOptions = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 5_000 },
  removeOnComplete: { count: 1000 },
  removeOnFail: { count: 1000 },
};

export function probeSchedulerId(keyId: string): string {
  return `${SCHEDULER_PREFIX}${keyId}`;
}

/** A stable jitter in [1, every): the same key always lands on the same point of its interval. */
export function probeOffset(keyId: string, everyMs: number): number {
  if (everyMs <= 1) return 0;
  const hash = createHash('sha256').update(keyId).digest().readUInt32BE(0);
  return 1 + (hash % (everyMs - 1));
}

interface DesiredProbe {
  keyId: string;
  channelId: string;
  every: number;
}

@Injectable()
export class ProbeSchedules implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ProbeSchedules');
  private unsubscribe?: () => void;
  /** Syncs of this process run one after another. */
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    @InjectQueue(QueueName.Channels) private readonly queue: Queue,
    @InjectRepository(ChannelKey) private readonly keys: Repository<ChannelKey>,
    private readonly changes: ChangeFeed,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const keep = { removeOnComplete: 50, removeOnFail: 200 };
    await this.queue.upsertJobScheduler(SWEEP_JOB, { every: 10_000 }, { name: SWEEP_JOB, opts: keep });
    await this.queue.upsertJobScheduler(
      PRUNE_JOB,
      { every: 60 * MINUTE_MS },
      { name: PRUNE_JOB, opts: keep },
    );
    await this.queue.upsertJobScheduler(SYNC_JOB, { every: 5 * MINUTE_MS }, { name: SYNC_JOB, opts: keep });
    // The feed says 'lost' once subscribed (and after any reconnect): that triggers a full sync.
    this.unsubscribe = this.changes.subscribe(CHANNELS_TOPIC, (change) => {
      if (change === 'lost' || change.id === null) this.enqueue(() => this.syncAll());
      else {
        const channelId = change.id;
        this.enqueue(() => this.syncChannel(channelId));
      }
    });
  }

  onApplicationShutdown(): void {
    this.unsubscribe?.();
  }

  /** Resolves when the syncs asked for so far are done (tests). */
  idle(): Promise<unknown> {
    return this.chain;
  }

  /** Every key's schedule: adds, changes and removes until the queue matches the database. */
  async syncAll(): Promise<{ upserted: number; removed: number }> {
    return this.sync(await this.desired(), () => true);
  }

  /** The schedules of one channel's keys (the channel may be gone). */
  async syncChannel(channelId: string): Promise<{ upserted: number; removed: number }> {
    const desired = await this.desired(channelId);
    const ids = new Set(desired.map((d) => d.keyId));
    return this.sync(desired, (keyId, data) => data?.channelId === channelId || ids.has(keyId));
  }

  private enqueue(task: () => Promise<unknown>): void {
    this.chain = this.chain
      .then(task)
      .catch((error: unknown) =>
        this.logger.error(`probe schedule sync failed: ${(error as Error).message}`),
      );
  }

  /** Keys to probe: not disabled by an admin, in a channel not disabled by an admin. */
  private async desired(channelId?: string): Promise<DesiredProbe[]> {
    const qb = this.keys
      .createQueryBuilder('k')
      .innerJoin('channels', 'c', 'c.id = k.channel_id')
      .select('k.id', 'keyId')
      .addSelect('k.channel_id', 'channelId')
      .addSelect('c.probe_interval_s', 'intervalS')
      .where(`k.status <> 'disabled'`)
      .andWhere(`c.status <> 'disabled'`);
    if (channelId) qb.andWhere('k.channel_id = :channelId', { channelId });
    const rows = await qb.getRawMany<{ keyId: string; channelId: string; intervalS: number }>();
    return rows.map((r) => ({ keyId: r.keyId, channelId: r.channelId, every: Number(r.intervalS) * 1000 }));
  }

  private async sync(
    desired: DesiredProbe[],
    inScope: (keyId: string, data: Partial<ProbeKeyData> | undefined) => boolean,
  ): Promise<{ upserted: number; removed: number }> {
    const existing = new Map<string, { every?: number; data?: Partial<ProbeKeyData> }>();
    for (const scheduler of await this.queue.getJobSchedulers(0, -1)) {
      // A scheduler removed while being listed comes back as undefined.
      if (!scheduler?.key.startsWith(SCHEDULER_PREFIX)) continue;
      const keyId = scheduler.key.slice(SCHEDULER_PREFIX.length);
      const data = scheduler.template?.data as Partial<ProbeKeyData> | undefined;
      if (inScope(keyId, data)) existing.set(keyId, { every: scheduler.every ?? undefined, data });
    }
    let upserted = 0;
    for (const probe of desired) {
      const current = existing.get(probe.keyId);
      existing.delete(probe.keyId);
      if (current && current.every === probe.every && current.data?.channelId === probe.channelId) continue;
      const data: ProbeKeyData = { channelId: probe.channelId, keyId: probe.keyId, trigger: 'scheduled' };
      await this.queue.upsertJobScheduler(
        probeSchedulerId(probe.keyId),
        { every: probe.every, offset: probeOffset(probe.keyId, probe.every) },
        { name: PROBE_JOB, data, opts: PROBE_JOB_OPTIONS },
      );
      upserted++;
    }
    for (const keyId of existing.keys()) await this.queue.removeJobScheduler(probeSchedulerId(keyId));
    return { upserted, removed: existing.size };
  }
}
