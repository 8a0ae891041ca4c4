// Keys the relay cooled on a guess (a 429 without Retry-After: exponential backoff) get an early
// probe, one backoff base (the runtime setting relayCooldownBaseMs) after their 429, instead of
// sitting out the whole guess; a healthy probe ends the cooldown. The same holds for one model cooled
// on a key on a guess (`cd:<model>` with `cdg:<model>`): that model is probed, and its cooldown ends.
// Runs every few seconds on one worker; each cooldown is probed once (job id).
import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { APP_CONFIG, AppConfig } from '@gateway/config';
import { QueueName, REDIS } from '@gateway/redis';
import { RuntimeSettings } from '@gateway/settings/domain';
import type { Queue } from 'bullmq';
import type Redis from 'ioredis';
import { Repository } from 'typeorm';
import { ChannelKey } from '../entities/channel-key.entity';
import { readKeyCooldowns, readModelCooldowns } from '../keys/key-stats';
import type { ProbeKeyData } from './probe-key.job';
import { PROBE_JOB, PROBE_JOB_OPTIONS } from './probe-schedules';

/** The job id of the early probe of one cooldown: the same cooldown is never probed twice. */
export function earlyProbeJobId(keyId: string, cooldownUntil: number): string {
  return `early-${keyId}-${cooldownUntil}`;
}

/** The job id of the early probe of one model's cooldown on a key (model names may hold ':', which BullMQ ids may not). */
export function earlyModelProbeJobId(keyId: string, model: string, cooldownUntil: number): string {
  return `early-${keyId}-${Buffer.from(model).toString('base64url')}-${cooldownUntil}`;
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
    const ids = rows.map((r) => r.id);
    const [cooldowns, modelCooldowns] = await Promise.all([
      readKeyCooldowns(this.redis, this.config.REDIS_PREFIX, ids, now),
      readModelCooldowns(this.redis, this.config.REDIS_PREFIX, ids, now),
    ]);
    const { relayCooldownBaseMs } = await this.settings.current();
    let enqueued = 0;
    const enqueue = async (data: ProbeKeyData, jobId: string, probeAt: number) => {
      await this.queue.add(PROBE_JOB, data, {
        ...PROBE_JOB_OPTIONS,
        jobId,
        delay: Math.max(0, probeAt - now),
        removeOnComplete: { age: 24 * 3600 },
        removeOnFail: { age: 24 * 3600 },
      });
      enqueued++;
    };
    for (const row of rows) {
      const cooldown = cooldowns.get(row.id);
      if (cooldown?.guessed) {
        const probeAt = (cooldown.last429At ?? now) + relayCooldownBaseMs;
        // Past its end, it ends on its own first.
        if (probeAt < cooldown.until) {
          const data: ProbeKeyData = { channelId: row.channelId, keyId: row.id, trigger: 'early' };
          await enqueue(data, earlyProbeJobId(row.id, cooldown.until), probeAt);
        }
      }
      // The key's last 429 is the latest of all its scopes: at worst the model is looked at later.
      const cooling = modelCooldowns.get(row.id);
      for (const model of cooling?.models ?? []) {
        if (!model.guessed) continue;
        const probeAt = (cooling?.last429At ?? now) + relayCooldownBaseMs;
        if (probeAt >= model.until) continue;
        const data: ProbeKeyData = {
          channelId: row.channelId,
          keyId: row.id,
          trigger: 'early',
          model: model.model,
        };
        await enqueue(data, earlyModelProbeJobId(row.id, model.model, model.until), probeAt);
      }
    }
    return { enqueued };
  }
}
