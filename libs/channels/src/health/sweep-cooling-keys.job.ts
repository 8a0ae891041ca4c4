// Keys the relay cooled on a guess (a 429 without Retry-After: exponential backoff) get an early
// probe, one backoff base (the runtime setting relayCooldownBaseMs) after their 429, instead of sitting out the whole guess; a healthy probe
// ends the cooldown. Runs every few seconds on one worker; each cooldown is probed once (job id).
import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { APP_CONFIG, AppConfig } from '@gateway/config';
import { QueueName, REDIS } from '@gateway/redis';
import { RuntimeSettings } from '@gateway/settings';
import type { Queue } from 'bullmq';
import type Redis from 'ioredis';
import { Repository } from 'typeorm';
import { ChannelKey } from '../entities/channel-key.entity';
import { readKeyCooldowns } from '../keys/key-stats';
import type { ProbeKeyData } from './probe-key.job';
import { PROBE_JOB, PROBE_JOB_OPTIONS } from './probe-schedules';

/** The job id of the early probe of one cooldown: the same cooldown is never probed twice. */
export function earlyProbeJobId(keyId: string, cooldownUntil: number): string {
  return `early-${keyId}-${cooldownUntil}`;
}

@Injectable()
export class SweepCoolingKeysJob {
  constructor(
    @InjectQueue(QueueName.Channels) private readonly queue: Queue,
    @InjectRepository(ChannelKey) private readonly keys: Repository<ChannelKey>,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly settings: RuntimeSettings,
  ) {}

  async run(now = Date.now()): Promise<{ enqueued: number }> {
    const rows = await this.keys
      .createQueryBuilder('k')
      .innerJoin('channels', 'c', 'c.id = k.channel_id')
      .select('k.id', 'id')
      .addSelect('k.channel_id', 'channelId')
      .where(`k.status = 'enabled'`)
      .andWhere(`c.status = 'enabled'`)
      .getRawMany<{ id: string; channelId: string }>();
    const cooldowns = await readKeyCooldowns(
      this.redis,
      this.config.REDIS_PREFIX,
      rows.map((r) => r.id),
      now,
    );
    const { relayCooldownBaseMs } = await this.settings.current();
    let enqueued = 0;
    for (const row of rows) {
      const cooldown = cooldowns.get(row.id);
      if (!cooldown?.guessed) continue;
      const probeAt = (cooldown.last429At ?? now) + relayCooldownBaseMs;
      if (probeAt >= cooldown.until) continue; // it ends on its own first
      const data: ProbeKeyData = { channelId: row.channelId, keyId: row.id, trigger: 'early' };
      await this.queue.add(PROBE_JOB, data, {
        ...PROBE_JOB_OPTIONS,
        jobId: earlyProbeJobId(row.id, cooldown.until),
        delay: Math.max(0, probeAt - now),
        removeOnComplete: { age: 24 * 3600 },
        removeOnFail: { age: 24 * 3600 },
      });
      enqueued++;
    }
    return { enqueued };
  }
}
