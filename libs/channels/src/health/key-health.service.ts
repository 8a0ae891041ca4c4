// Stores what a probe found: a history row, the key's latest health, and (for scheduled probes)
// the failure streak with the probe's own auto-disable / re-enable of the key and its channel.
import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { AuditService } from '@gateway/audit/domain';
import { APP_CONFIG, AppConfig } from '@gateway/config';
import { ChangeFeed, REDIS } from '@gateway/redis';
import type Redis from 'ioredis';
import { EntityManager, Repository } from 'typeorm';
import { CHANNELS_TOPIC } from '../channels-topic';
import { clearKeyRefusal, KeyStats, readKeyStats } from '../keys/key-stats';
import { Channel } from '../entities/channel.entity';
import { ChannelKeyProbe, ProbeTrigger } from '../entities/channel-key-probe.entity';
import { ChannelKey } from '../entities/channel-key.entity';
import type { ProbeResult } from '../probe/probe-upstream';
import { judgeChannel, judgeProbe } from './probe-verdict';

export interface ProbeRecord {
  keyId: string;
  /** The BullMQ job that probed; a second record with the same job id is ignored. Null: the test button. */
  jobId: string | null;
  trigger: ProbeTrigger;
  result: ProbeResult;
  checkedAt: Date;
}

export interface RecordedProbe {
  /** false when the key is gone or this job's result was already stored. */
  recorded: boolean;
  keyTransition: 'auto_disabled' | 're_enabled' | null;
  channelTransition: 'auto_disabled' | 're_enabled' | null;
}

const NOTHING: RecordedProbe = { recorded: false, keyTransition: null, channelTransition: null };

@Injectable()
export class KeyHealthService {
  constructor(
    @InjectRepository(ChannelKeyProbe) private readonly probes: Repository<ChannelKeyProbe>,
    private readonly audit: AuditService,
    private readonly changes: ChangeFeed,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  /** Whether the result of this job is already stored (a retried or re-delivered job). */
  async alreadyRecorded(jobId: string): Promise<boolean> {
    return this.probes.exists({ where: { jobId } });
  }

  async record(input: ProbeRecord): Promise<RecordedProbe> {
    const found = await this.probes.manager
      .getRepository(ChannelKey)
      .findOne({ where: { id: input.keyId }, select: { id: true, channelId: true } });
    if (!found) return NOTHING;
    const channelId = found.channelId;
    const outcome = await this.probes.manager.transaction(async (manager) => {
      // Channel, then key: the order every writer of channels and keys locks them in.
      const channel = await manager
        .getRepository(Channel)
        .findOne({ where: { id: channelId }, lock: { mode: 'pessimistic_write' } });
      const key = await manager
        .getRepository(ChannelKey)
        .findOne({ where: { id: input.keyId, channelId }, lock: { mode: 'pessimistic_write' } });
      if (!channel || !key) return NOTHING;
      const { result } = input;
      const inserted = await manager
        .createQueryBuilder()
        .insert()
        .into(ChannelKeyProbe)
        .values({
          keyId: key.id,
          channelId: key.channelId,
          jobId: input.jobId,
          trigger: input.trigger,
          result: result.result,
          httpStatus: result.status,
          latencyMs: result.latencyMs,
          message: result.message.slice(0, 500),
          checkedAt: input.checkedAt,
        })
        .orIgnore()
        .returning(['id'])
        .execute();
      if ((inserted.raw as unknown[]).length === 0) return NOTHING;

      const observed = {
        health: result.result,
        lastCheckedAt: input.checkedAt,
        lastLatencyMs: result.latencyMs,
      };
      // The test button reports what it saw; only the schedule's probes decide a key's status.
      if (input.trigger === 'manual') {
        await manager.getRepository(ChannelKey).update({ id: key.id }, observed);
        return { recorded: true, keyTransition: null, channelTransition: null };
      }
      const detail = result.status === null ? result.message : `HTTP ${result.status}: ${result.message}`;
      const verdict = judgeProbe(key, result.result, this.config.PROBE_FAILURE_THRESHOLD, detail);
      const before = { status: key.status, disabledReason: key.disabledReason };
      await manager.getRepository(ChannelKey).update(
        { id: key.id },
        {
          ...observed,
          consecutiveFailures: verdict.consecutiveFailures,
          status: verdict.status,
          ...(verdict.disabledReason !== undefined ? { disabledReason: verdict.disabledReason } : {}),
        },
      );
      if (verdict.transition) {
        await this.audit.record(
          {
            actor: null,
            tenantId: null,
            action: 'update',
            entityType: 'channel_key',
            entityId: key.id,
            before,
            after: { status: verdict.status, disabledReason: verdict.disabledReason ?? null },
          },
          manager,
        );
      }
      // A channel the probes disabled is looked at on every probe: an admin may have re-enabled a
      // key by hand since, and the channel must follow once one is enabled.
      const channelTransition =
        verdict.transition || channel.status === 'auto_disabled'
          ? await this.followChannel(manager, channel)
          : null;
      return { recorded: true, keyTransition: verdict.transition, channelTransition };
    });
    // A key the probe found healthy again is no longer refused by the relays either.
    if (outcome.keyTransition === 're_enabled')
      await clearKeyRefusal(this.redis, this.config.REDIS_PREFIX, input.keyId);
    // The relay (and the schedules) reload the channel when a status changed.
    if (outcome.keyTransition || outcome.channelTransition)
      await this.changes.publish(CHANNELS_TOPIC, channelId);
    return outcome;
  }

  /**
   * The relay saw the upstream refuse the key (401/403, an invalid-key code): it is `invalid` and
   * `auto_disabled` at once (its probes re-enable it once it answers again), audited, and every relay
   * reloads without it. A key already out of rotation is left as it is. Returns whether it changed.
   */
  async keyRefusedWhileRelaying(keyId: string, detail: string, at: Date): Promise<boolean> {
    const changed = await this.probes.manager.transaction(async (manager) => {
      const found = await manager
        .getRepository(ChannelKey)
        .findOne({ where: { id: keyId }, select: { id: true, channelId: true } });
      if (!found) return null;
      const channel = await manager
        .getRepository(Channel)
        .findOne({ where: { id: found.channelId }, lock: { mode: 'pessimistic_write' } });
      const key = await manager
        .getRepository(ChannelKey)
        .findOne({ where: { id: keyId }, lock: { mode: 'pessimistic_write' } });
      if (!channel || !key || key.status !== 'enabled') return null;
      const before = { status: key.status, health: key.health, disabledReason: key.disabledReason };
      const after = {
        status: 'auto_disabled' as const,
        health: 'invalid' as const,
        disabledReason: `the upstream refused the key while relaying: ${detail}`.slice(0, 500),
      };
      await manager.getRepository(ChannelKey).update({ id: keyId }, { ...after, lastCheckedAt: at });
      await this.audit.record(
        {
          actor: null,
          tenantId: null,
          action: 'update',
          entityType: 'channel_key',
          entityId: keyId,
          before,
          after,
        },
        manager,
      );
      await this.followChannel(manager, channel);
      return channel.id;
    });
    if (changed === null) return false;
    await this.changes.publish(CHANNELS_TOPIC, changed);
    return true;
  }

  /**
   * The relay found the key's account out of credit and cooled it until `until`: audited once per
   * cooldown (the relay calls this only when its answer started the cooldown).
   */
  async keyOutOfCreditWhileRelaying(keyId: string, detail: string, until: Date): Promise<void> {
    const key = await this.probes.manager
      .getRepository(ChannelKey)
      .findOne({ where: { id: keyId }, select: { id: true } });
    if (!key) return;
    await this.audit.record({
      actor: null,
      tenantId: null,
      action: 'update',
      entityType: 'channel_key',
      entityId: keyId,
      after: {
        cooldownUntil: until.toISOString(),
        cooldownReason: 'out_of_credit',
        detail: detail.slice(0, 500),
      },
    });
  }

  /**
   * A healthy early probe ended a guessed cooldown (the key's or one model's): audited like the
   * console's reset, with the cooldowns before and after, and no actor.
   */
  async cooldownEndedByProbe(keyId: string, before: KeyStats): Promise<void> {
    const after = (await readKeyStats(this.redis, this.config.REDIS_PREFIX, [keyId])).get(keyId);
    await this.audit.record({
      actor: null,
      tenantId: null,
      action: 'update',
      entityType: 'channel_key',
      entityId: keyId,
      before: { cooldownUntil: before.cooldownUntil, modelCooldowns: before.modelCooldowns },
      after: { cooldownUntil: after?.cooldownUntil ?? null, modelCooldowns: after?.modelCooldowns ?? {} },
    });
  }

  /** Auto-disables the channel when the probe took its last enabled key, re-enables it when one is back. */
  private async followChannel(
    manager: EntityManager,
    channel: Channel,
  ): Promise<'auto_disabled' | 're_enabled' | null> {
    const channelId = channel.id;
    const keys = await manager
      .getRepository(ChannelKey)
      .find({ where: { channelId }, select: { id: true, status: true } });
    const next = judgeChannel(
      channel.status,
      keys.map((k) => k.status),
    );
    if (!next) return null;
    const before = { status: channel.status, disabledReason: channel.disabledReason };
    const after = { status: next.status, disabledReason: next.disabledReason ?? null };
    await manager.getRepository(Channel).update({ id: channelId }, after);
    await this.audit.record(
      {
        actor: null,
        tenantId: null,
        action: 'update',
        entityType: 'channel',
        entityId: channelId,
        before,
        after,
      },
      manager,
    );
    return next.status === 'enabled' ? 're_enabled' : 'auto_disabled';
  }
}
