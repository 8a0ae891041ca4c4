// Channels: the upstream accounts the relay routes to. Platform-level (no tenant), operators only.
import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { AuditService } from '@gateway/audit';
import { canonicalTimeZone } from '@gateway/common';
import { pageWindow } from '@gateway/common/http';
import { APP_CONFIG, AppConfig } from '@gateway/config';
import type { Actor } from '@gateway/identity';
import { ChangeFeed, REDIS } from '@gateway/redis';
import type Redis from 'ioredis';
import { EntityManager, In, Repository } from 'typeorm';
import { normalizeBaseUrl } from './base-url';
import { ChannelKeysService } from './channel-keys.service';
import { CHANNELS_TOPIC } from './channels-topic';
import { effectiveDayResetZone } from './day-reset-zone';
import { CHANNEL_PRESETS, ChannelPreset } from './channel-presets';
import { ChannelsError, ChannelsErrorCode } from './channels.errors';
import { modelMappingProblem } from './dto/channel-validators';
import type { CreateChannelDto } from './dto/create-channel.dto';
import type { ListChannelsQuery } from './dto/list-channels.query';
import type { UpdateChannelDto } from './dto/update-channel.dto';
import { Channel, ChannelStatus, ChannelType } from './entities/channel.entity';
import { ChannelKey, KeyHealth, ModelLimits } from './entities/channel-key.entity';
import { keyStatsRedisKey } from './keys/key-stats';
import { isUniqueViolation } from '@gateway/db';
import { ChannelView, emptyKeyCounts, KeyCounts } from './views/channel.view';

const AUDIT_CHANNEL = 'channel';

const AUDIT_KEY = 'channel_key';

/** A key in the relay's routing table. `secret` is the plaintext: keep it in memory only. */
export interface RoutingKey {
  id: string;
  priority: number;
  weight: number;
  rpm: number | null;
  tpm: number | null;
  rpd: number | null;
  tpd: number | null;
  modelLimits: Record<string, ModelLimits>;
  /** The IANA zone whose local days its daily caps count in (the channel's effectiveDayResetZone). */
  dayZone: string;
  secret: string;
}

/** A channel in the relay's routing table. */
export interface RoutingChannel {
  id: string;
  name: string;
  type: ChannelType;
  baseUrl: string;
  models: string[];
  modelMapping: Record<string, string>;
  priority: number;
  weight: number;
  groups: string[];
  timeoutMs: number;
  settings: Record<string, unknown>;
  keys: RoutingKey[];
}

/** What the models catalog needs of a channel. */
export interface CatalogChannel {
  id: string;
  type: ChannelType;
  models: string[];
  groups: string[];
}

@Injectable()
export class ChannelsService {
  constructor(
    @InjectRepository(Channel) private readonly channels: Repository<Channel>,
    @InjectRepository(ChannelKey) private readonly keys: Repository<ChannelKey>,
    private readonly channelKeys: ChannelKeysService,
    private readonly audit: AuditService,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly changes: ChangeFeed,
  ) {}

  presets(): readonly ChannelPreset[] {
    return CHANNEL_PRESETS;
  }

  async list(query: ListChannelsQuery): Promise<{ items: ChannelView[]; total: number }> {
    const qb = this.channels.createQueryBuilder('c');
    if (query.status) qb.andWhere('c.status = :status', { status: query.status });
    if (query.type) qb.andWhere('c.type = :type', { type: query.type });
    if (query.q) qb.andWhere('c.name ILIKE :q', { q: `%${query.q.replace(/[\\%_]/g, '\\$&')}%` });
    const { skip, take } = pageWindow(query);
    const [rows, total] = await qb
      .orderBy('c.priority', 'DESC')
      .addOrderBy('c.name', 'ASC')
      .skip(skip)
      .take(take)
      .getManyAndCount();
    const counts = await this.keyCounts(rows.map((c) => c.id));
    return { items: rows.map((c) => ChannelView.of(c, counts.get(c.id))), total };
  }

  async get(id: string): Promise<ChannelView> {
    const channel = await this.findOrFail(id);
    return this.viewOf(channel);
  }

  /**
   * With `inside`, the channel is made in the caller's transaction (an importer's, so that a kind is
   * all or nothing) and the caller calls announce() once it has committed.
   */
  async create(actor: Actor, dto: CreateChannelDto, inside?: EntityManager): Promise<ChannelView> {
    await this.assertNameFree(dto.name, inside);
    const channel = this.channels.create({
      name: dto.name,
      type: dto.type,
      baseUrl: normalizeBaseUrl(dto.baseUrl) as string,
      models: dto.models,
      modelMapping: dto.modelMapping ?? {},
      priority: dto.priority ?? 0,
      weight: dto.weight ?? 1,
      groups: dto.groups ?? ['default'],
      status: dto.status ?? 'enabled',
      disabledReason: null,
      timeoutMs: dto.timeoutMs ?? 60_000,
      probeIntervalS: dto.probeIntervalS ?? 300,
      dayResetZone: canonicalTimeZone(dto.dayResetZone) ?? null,
      settings: { ...(dto.settings ?? {}) },
    });
    const saved = await this.transaction(inside, async (manager) => {
      const row = await this.saveNamed(manager, channel);
      const view = ChannelView.of(row);
      await this.audit.record(
        { actor, tenantId: null, action: 'create', entityType: AUDIT_CHANNEL, entityId: row.id, after: view },
        manager,
      );
      return row;
    });
    if (!inside) await this.announce([saved.id]);
    return ChannelView.of(saved);
  }

  /** As create(): `inside` runs it in the caller's transaction, which then calls announce(). */
  async update(
    actor: Actor,
    id: string,
    dto: UpdateChannelDto,
    inside?: EntityManager,
  ): Promise<ChannelView> {
    const view = await this.transaction(inside, async (manager) => {
      const channel = await manager.getRepository(Channel).findOne({
        where: { id },
        lock: { mode: 'pessimistic_write' },
      });
      if (!channel) throw new ChannelsError(ChannelsErrorCode.NotFound);
      const before = await this.viewOf(channel, manager);
      if (dto.name !== undefined && dto.name !== null && dto.name !== channel.name)
        await this.assertNameFree(dto.name, manager);

      // null means "not given" for these: none of them can be emptied.
      const next: Partial<Channel> = {};
      if (dto.name != null) next.name = dto.name;
      if (dto.type != null) next.type = dto.type;
      if (dto.baseUrl != null) next.baseUrl = normalizeBaseUrl(dto.baseUrl) as string;
      if (dto.models != null) next.models = dto.models;
      if (dto.modelMapping != null) next.modelMapping = dto.modelMapping;
      if (dto.priority != null) next.priority = dto.priority;
      if (dto.weight != null) next.weight = dto.weight;
      if (dto.groups != null) next.groups = dto.groups;
      if (dto.status != null) next.status = dto.status;
      // An admin's status replaces the probes' reason for theirs.
      if (dto.status != null && dto.status !== channel.status) next.disabledReason = null;
      if (dto.timeoutMs != null) next.timeoutMs = dto.timeoutMs;
      if (dto.probeIntervalS != null) next.probeIntervalS = dto.probeIntervalS;
      if (dto.settings != null) next.settings = { ...dto.settings };
      // null here is meaningful: back to the provider's zone.
      if (dto.dayResetZone !== undefined) next.dayResetZone = canonicalTimeZone(dto.dayResetZone) ?? null;
      Object.assign(channel, next);

      // The DTO checked a mapping against models sent with it; the merged result must hold too.
      const problem = modelMappingProblem(channel.modelMapping, channel.models);
      if (problem) throw new ChannelsError(ChannelsErrorCode.ValidationFailed, problem);

      const saved = await this.saveNamed(manager, channel);
      const after = await this.viewOf(saved, manager);
      await this.audit.record(
        { actor, tenantId: null, action: 'update', entityType: AUDIT_CHANNEL, entityId: id, before, after },
        manager,
      );
      return after;
    });
    if (!inside) await this.announce([id]);
    return view;
  }

  /** Tells the relays and the catalog that these channels changed (after their transaction committed). */
  async announce(channelIds: readonly string[]): Promise<void> {
    for (const id of channelIds) await this.changes.publish(CHANNELS_TOPIC, id);
  }

  /** Deletes the channel and (by the foreign key's cascade) its keys; each deletion is audited. */
  async remove(actor: Actor, id: string): Promise<void> {
    const keyIds = await this.channels.manager.transaction(async (manager) => {
      const channel = await manager.getRepository(Channel).findOne({
        where: { id },
        lock: { mode: 'pessimistic_write' },
      });
      if (!channel) throw new ChannelsError(ChannelsErrorCode.NotFound);
      const before = await this.viewOf(channel, manager);
      const keys = await manager.getRepository(ChannelKey).find({ where: { channelId: id } });
      await manager.getRepository(Channel).delete({ id });
      await this.audit.record(
        { actor, tenantId: null, action: 'delete', entityType: AUDIT_CHANNEL, entityId: id, before },
        manager,
      );
      for (const key of keys) {
        await this.audit.record(
          {
            actor,
            tenantId: null,
            action: 'delete',
            entityType: AUDIT_KEY,
            entityId: key.id,
            before: this.channelKeys.auditViewOf(key),
          },
          manager,
        );
      }
      return keys.map((k) => k.id);
    });
    await this.changes.publish(CHANNELS_TOPIC, id);
    if (keyIds.length > 0) {
      await this.redis.del(...keyIds.map((keyId) => keyStatsRedisKey(this.config.REDIS_PREFIX, keyId)));
    }
  }

  // ---- for the relay and the models catalog ----

  /**
   * The relay's routing table: enabled channels with their enabled keys and each key's plaintext,
   * read in two queries. Keys the keyring cannot open are left out (and counted), never thrown.
   */
  async routingTable(): Promise<{ channels: RoutingChannel[]; undecryptable: number }> {
    const channels = await this.channels.find({ where: { status: 'enabled' } });
    if (channels.length === 0) return { channels: [], undecryptable: 0 };
    const rows = await this.keys.find({
      where: { channelId: In(channels.map((c) => c.id)), status: 'enabled' },
    });
    let undecryptable = 0;
    const byChannel = new Map<string, RoutingKey[]>();
    const zones = new Map(channels.map((c) => [c.id, effectiveDayResetZone(c)]));
    for (const row of rows) {
      let secret: string;
      try {
        secret = this.channelKeys.decrypt(row);
      } catch {
        undecryptable++;
        continue;
      }
      const list = byChannel.get(row.channelId) ?? [];
      list.push({
        id: row.id,
        priority: row.priority,
        weight: row.weight,
        rpm: row.rpm,
        tpm: row.tpm,
        rpd: row.rpd,
        tpd: row.tpd === null ? null : Number(row.tpd),
        modelLimits: row.modelLimits ?? {},
        dayZone: zones.get(row.channelId) ?? 'UTC',
        secret,
      });
      byChannel.set(row.channelId, list);
    }
    return {
      undecryptable,
      channels: channels.map((c) => ({
        id: c.id,
        name: c.name,
        type: c.type,
        baseUrl: c.baseUrl,
        models: c.models,
        modelMapping: c.modelMapping,
        priority: c.priority,
        weight: c.weight,
        groups: c.groups,
        timeoutMs: c.timeoutMs,
        settings: c.settings,
        keys: byChannel.get(c.id) ?? [],
      })),
    };
  }

  /** Enabled channels (keys or not), for the models catalog. */
  async listEnabledForCatalog(): Promise<CatalogChannel[]> {
    const rows = await this.channels.find({
      where: { status: 'enabled' },
      select: { id: true, type: true, models: true, groups: true },
    });
    return rows.map((c) => ({ id: c.id, type: c.type, models: c.models, groups: c.groups }));
  }

  // ---- internals ----

  async findOrFail(id: string): Promise<Channel> {
    const channel = await this.channels.findOne({ where: { id } });
    if (!channel) throw new ChannelsError(ChannelsErrorCode.NotFound);
    return channel;
  }

  private async viewOf(channel: Channel, manager?: EntityManager): Promise<ChannelView> {
    const counts = await this.keyCounts([channel.id], manager);
    return ChannelView.of(channel, counts.get(channel.id));
  }

  private async keyCounts(channelIds: string[], manager?: EntityManager): Promise<Map<string, KeyCounts>> {
    const counts = new Map<string, KeyCounts>(channelIds.map((id) => [id, emptyKeyCounts()]));
    if (channelIds.length === 0) return counts;
    const repo = manager ? manager.getRepository(ChannelKey) : this.keys;
    const rows = await repo
      .createQueryBuilder('k')
      .select('k.channel_id', 'channelId')
      .addSelect('k.status', 'status')
      .addSelect('k.health', 'health')
      .addSelect('COUNT(*)::int', 'n')
      .where('k.channel_id IN (:...ids)', { ids: channelIds })
      .groupBy('k.channel_id')
      .addGroupBy('k.status')
      .addGroupBy('k.health')
      .getRawMany<{ channelId: string; status: ChannelStatus; health: KeyHealth; n: number }>();
    for (const row of rows) {
      const entry = counts.get(row.channelId);
      if (!entry) continue;
      entry.byStatus[row.status] = (entry.byStatus[row.status] ?? 0) + row.n;
      entry.byHealth[row.health] = (entry.byHealth[row.health] ?? 0) + row.n;
    }
    return counts;
  }

  /** Also sees the channels made earlier in the same transaction when given its manager. */
  private async assertNameFree(name: string, manager?: EntityManager): Promise<void> {
    const repo = manager ? manager.getRepository(Channel) : this.channels;
    if (await repo.exists({ where: { name } })) throw new ChannelsError(ChannelsErrorCode.NameTaken);
  }

  private transaction<T>(inside: EntityManager | undefined, work: (manager: EntityManager) => Promise<T>) {
    return inside ? work(inside) : this.channels.manager.transaction(work);
  }

  /** Saves, turning a lost race on the unique name into the same 409 as the pre-check. */
  private async saveNamed(manager: EntityManager, channel: Channel): Promise<Channel> {
    try {
      return await manager.getRepository(Channel).save(channel);
    } catch (error) {
      if (isUniqueViolation(error, 'channels_name_key')) throw new ChannelsError(ChannelsErrorCode.NameTaken);
      throw error;
    }
  }
}
