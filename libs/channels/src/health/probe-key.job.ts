// One scheduled (or early) probe of one key, as the worker runs it: skip what must not be probed,
// take a slot of the provider's probe rate, make the cheapest authenticated call, store the
// finding, and end a guessed cooldown (the key's, or one model's on it) the key has proved wrong.
import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { APP_CONFIG, AppConfig } from '@gateway/config';
import { REDIS } from '@gateway/redis';
import type Redis from 'ioredis';
import { Repository } from 'typeorm';
import { Channel } from '../entities/channel.entity';
import { ChannelKey } from '../entities/channel-key.entity';
import {
  clearKeyCooldown,
  clearModelCooldown,
  readKeyCooldowns,
  readKeyStats,
  readModelCooldowns,
} from '../keys/key-stats';
import { probeUpstream, ProbeResult } from '../probe/probe-upstream';
import { KeyCipher } from '../key-crypto/key-cipher';
import { KeyHealthService, RecordedProbe } from './key-health.service';
import { providerOf, takeProbeSlot } from './provider-rate';

export interface ProbeKeyData {
  channelId: string;
  keyId: string;
  trigger: 'scheduled' | 'early';
  /**
   * The upstream model cooling on the key on a guess: the probe is a 1-token chat with that model,
   * and a healthy answer ends that model's cooldown (not the key's).
   */
  model?: string;
}

export type ProbeKeyOutcome =
  | { skipped: 'gone' | 'disabled' | 'already_recorded' }
  | { retryAt: number }
  | ({
      result: ProbeResult['result'];
      status: number | null;
      latencyMs: number;
      cooldownCleared: boolean;
    } & Omit<RecordedProbe, 'recorded'>);

@Injectable()
export class ProbeKeyJob {
  constructor(
    @InjectRepository(Channel) private readonly channels: Repository<Channel>,
    @InjectRepository(ChannelKey) private readonly keys: Repository<ChannelKey>,
    private readonly cipher: KeyCipher,
    private readonly health: KeyHealthService,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** `jobId` makes it idempotent: a job whose result is stored is not probed again. */
  async run(jobId: string, data: ProbeKeyData): Promise<ProbeKeyOutcome> {
    const [channel, key] = await Promise.all([
      this.channels.findOne({ where: { id: data.channelId } }),
      this.keys.findOne({ where: { id: data.keyId, channelId: data.channelId } }),
    ]);
    if (!channel || !key) return { skipped: 'gone' };
    // An admin's `disabled` is never probed; the probe's own `auto_disabled` is, to bring it back.
    if (channel.status === 'disabled' || key.status === 'disabled') return { skipped: 'disabled' };
    if (await this.health.alreadyRecorded(jobId)) return { skipped: 'already_recorded' };

    const now = Date.now();
    const retryAt = await takeProbeSlot(
      this.redis,
      this.config.REDIS_PREFIX,
      providerOf(channel.baseUrl),
      this.config.PROBE_RATE_PER_MINUTE,
      now,
    );
    if (retryAt !== null) return { retryAt };

    const { model } = data;
    const prefix = this.config.REDIS_PREFIX;
    // The cooldown this probe may end: the model's when it probes a model, else the key's own.
    const cooldown =
      model === undefined
        ? (await readKeyCooldowns(this.redis, prefix, [key.id], now)).get(key.id)
        : (await readModelCooldowns(this.redis, prefix, [key.id], now))
            .get(key.id)
            ?.models.find((m) => m.model === model);
    const result = await this.probe(channel, key, model);
    const recorded = await this.health.record({
      keyId: key.id,
      jobId,
      trigger: data.trigger,
      result,
      checkedAt: new Date(),
    });
    if (!recorded.recorded) return { skipped: 'already_recorded' };
    // A guessed cooldown (a 429 without Retry-After) ends when the key answers; one the upstream
    // set with Retry-After stands.
    let cooldownCleared = false;
    if (result.result === 'healthy' && cooldown?.guessed === true) {
      const before = (await readKeyStats(this.redis, prefix, [key.id])).get(key.id);
      cooldownCleared =
        model === undefined
          ? await clearKeyCooldown(this.redis, prefix, key.id, cooldown.until)
          : await clearModelCooldown(this.redis, prefix, key.id, model, cooldown.until);
      if (cooldownCleared && before) await this.health.cooldownEndedByProbe(key.id, before);
    }
    return {
      result: result.result,
      status: result.status,
      latencyMs: result.latencyMs,
      cooldownCleared,
      keyTransition: recorded.keyTransition,
      channelTransition: recorded.channelTransition,
    };
  }

  private async probe(channel: Channel, key: ChannelKey, model?: string): Promise<ProbeResult> {
    let secret: string;
    try {
      secret = this.cipher.openKey(key);
    } catch (error) {
      return {
        ok: false,
        result: 'error',
        status: null,
        latencyMs: 0,
        message: (error as Error).message.slice(0, 500),
      };
    }
    const target = { type: channel.type, baseUrl: channel.baseUrl, settings: channel.settings };
    // A cooling model is asked itself: only a completion with it tells that its limit has passed.
    if (model !== undefined)
      return probeUpstream({ ...target, upstreamModel: model }, secret, channel.timeoutMs, 'completion');
    const first = channel.models[0] ?? '';
    return probeUpstream(
      { ...target, upstreamModel: channel.modelMapping[first] ?? first },
      secret,
      channel.timeoutMs,
      'health',
    );
  }
}
