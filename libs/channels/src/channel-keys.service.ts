// A channel's pool of provider keys: stored encrypted, shown masked, never echoed after creation.
import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { AuditService } from '@gateway/audit';
import { pageWindow } from '@gateway/common/http';
import { APP_CONFIG, AppConfig } from '@gateway/config';
import type { Actor } from '@gateway/identity';
import { ChangeFeed, REDIS } from '@gateway/redis';
import { CHANNELS_TOPIC } from './channels-topic';
import type Redis from 'ioredis';
import { EntityManager, In, Not, Repository } from 'typeorm';
import { ChannelsError, ChannelsErrorCode } from './channels.errors';
import type { ChannelKeyFieldsDto } from './dto/channel-key-fields.dto';
import type { CreateChannelKeysDto } from './dto/create-channel-keys.dto';
import type { ListChannelKeysQuery } from './dto/list-channel-keys.query';
import type { UpdateChannelKeyDto } from './dto/update-channel-key.dto';
import { Channel, ChannelStatus } from './entities/channel.entity';
import { ChannelKey, KeyHealth } from './entities/channel-key.entity';
import { channelKeyAad, KeyCipher } from './key-crypto/key-cipher';
import { keyFingerprint } from './key-crypto/key-fingerprint';
import { keyHintOf, maskedKeyOf } from './keys/key-mask';
import { clearKeyCooldown, clearKeyRefusal, keyStatsRedisKey, readKeyStats } from './keys/key-stats';
import type { ListKeyProbesQuery } from './dto/list-key-probes.query';
import { ChannelKeyProbe } from './entities/channel-key-probe.entity';
import { ChannelKeyProbeView } from './views/channel-key-probe.view';
import { scrubbedQueryError } from './scrubbed-query-error';
import { isUniqueViolation } from '@gateway/db';
import { ChannelKeyView } from './views/channel-key.view';

const AUDIT_KEY = 'channel_key';
const FINGERPRINT_INDEX = 'channel_keys_channel_fingerprint_key';

/** A key of a channel's pool as ChannelKeysService.poolOf() shows it to an importer. */
export interface PooledKey {
  id: string;
  maskedKey: string;
  status: ChannelStatus;
  /** True when the key is one of the secrets poolOf() was given. */
  listed: boolean;
}

@Injectable()
export class ChannelKeysService {
  constructor(
    @InjectRepository(Channel) private readonly channels: Repository<Channel>,
    @InjectRepository(ChannelKey) private readonly keys: Repository<ChannelKey>,
    private readonly cipher: KeyCipher,
    private readonly audit: AuditService,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly changes: ChangeFeed,
  ) {}

  async list(
    channelId: string,
    query: ListChannelKeysQuery,
  ): Promise<{ items: ChannelKeyView[]; total: number }> {
    await this.assertChannel(channelId);
    const { skip, take } = pageWindow(query);
    const [rows, total] = await this.keys.findAndCount({
      where: {
        channelId,
        ...(query.status ? { status: query.status } : {}),
        ...(query.health ? { health: query.health } : {}),
      },
      order: { priority: 'DESC', weight: 'DESC', createdAt: 'ASC', id: 'ASC' },
      skip,
      take,
    });
    return { items: await this.viewsOf(rows), total };
  }

  /**
   * Adds one key or a batch. A batch is all or nothing: any malformed or duplicate key (within the
   * batch or already in the channel) refuses the whole request, naming positions, never keys.
   * With `inside`, the keys are added in the caller's transaction, which then announces the change
   * (ChannelsService.announce) once it has committed.
   */
  async create(
    actor: Actor,
    channelId: string,
    dto: CreateChannelKeysDto,
    inside?: EntityManager,
  ): Promise<ChannelKeyView[]> {
    const batch = dto.keys !== undefined;
    const secrets = dto.keys ?? [dto.key as string];
    const name = (index: number) => (batch ? `keys[${index}]` : 'key');
    const fingerprints = secrets.map(keyFingerprint);

    const problems: string[] = [];
    const firstAt = new Map<string, number>();
    fingerprints.forEach((fp, index) => {
      const first = firstAt.get(fp);
      if (first === undefined) firstAt.set(fp, index);
      else problems.push(`${name(index)} is the same key as ${name(first)}`);
    });

    const views = await this.transaction(inside, async (manager) => {
      // Locks the channel: concurrent batches into one channel queue up instead of racing the checks.
      const channel = await manager
        .getRepository(Channel)
        .findOne({ where: { id: channelId }, lock: { mode: 'pessimistic_write' } });
      if (!channel) throw new ChannelsError(ChannelsErrorCode.NotFound);

      const existing = await manager.getRepository(ChannelKey).find({
        where: { channelId, keyFingerprint: In([...firstAt.keys()]) },
        select: { keyFingerprint: true },
      });
      const taken = new Set(existing.map((k) => k.keyFingerprint));
      fingerprints.forEach((fp, index) => {
        if (taken.has(fp) && firstAt.get(fp) === index)
          problems.push(`${name(index)} is already in this channel`);
      });
      if (problems.length > 0) {
        const shown = problems.slice(0, 20).join('; ');
        const more = problems.length > 20 ? `; and ${problems.length - 20} more` : '';
        throw new ChannelsError(ChannelsErrorCode.DuplicateKey, `nothing was added: ${shown}${more}`);
      }

      const rows = secrets.map((secret, index) =>
        this.newRow(channelId, secret, fingerprints[index] as string, dto),
      );
      try {
        await manager.getRepository(ChannelKey).save(rows, { reload: false });
      } catch (error) {
        if (isUniqueViolation(error, FINGERPRINT_INDEX))
          throw new ChannelsError(ChannelsErrorCode.DuplicateKey);
        throw scrubbedQueryError(error);
      }
      const saved = await manager
        .getRepository(ChannelKey)
        .find({ where: { id: In(rows.map((r) => r.id)) } });
      const byId = new Map(saved.map((row) => [row.id, row]));
      const ordered = rows.map((row) => byId.get(row.id) as ChannelKey);
      for (const row of ordered) {
        await this.audit.record(
          {
            actor,
            tenantId: null,
            action: 'create',
            entityType: AUDIT_KEY,
            entityId: row.id,
            after: this.auditViewOf(row),
          },
          manager,
        );
      }
      return ordered.map((row) => ChannelKeyView.of(row));
    });
    if (!inside) await this.changes.publish(CHANNELS_TOPIC, channelId);
    return views;
  }

  /**
   * The secrets not yet in the channel's pool (an importer adds only those, so a re-run adds nothing
   * twice); `inside` also sees keys added earlier in the caller's transaction.
   */
  async missingKeys(
    channelId: string,
    secrets: readonly string[],
    inside?: EntityManager,
  ): Promise<string[]> {
    const fingerprints = secrets.map(keyFingerprint);
    const existing = await (inside ? inside.getRepository(ChannelKey) : this.keys).find({
      where: { channelId, keyFingerprint: In([...new Set(fingerprints)]) },
      select: { keyFingerprint: true },
    });
    const taken = new Set(existing.map((k) => k.keyFingerprint));
    const seen = new Set<string>();
    return secrets.filter((_, index) => {
      const fp = fingerprints[index] as string;
      if (taken.has(fp) || seen.has(fp)) return false;
      seen.add(fp);
      return true;
    });
  }

  /**
   * What an importer needs to know of a channel's pool, without a secret: each key's id, mask and
   * status, and whether it is one of `secrets` (what the source lists for the channel now).
   */
  async poolOf(channelId: string, secrets: readonly string[], inside?: EntityManager): Promise<PooledKey[]> {
    const listed = new Set(secrets.map(keyFingerprint));
    const rows = await (inside ? inside.getRepository(ChannelKey) : this.keys).find({
      where: { channelId },
      select: { id: true, keyHint: true, keyFingerprint: true, status: true },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
    return rows.map((row) => ({
      id: row.id,
      maskedKey: maskedKeyOf(row.keyHint),
      status: row.status,
      listed: listed.has(row.keyFingerprint),
    }));
  }

  /**
   * Disables keys in the caller's transaction, audited like an admin's change (an importer retiring
   * keys its source no longer has); the caller announces the channel once it has committed.
   */
  async disableInside(
    actor: Actor,
    channelId: string,
    keyIds: string[],
    manager: EntityManager,
  ): Promise<void> {
    const repo = manager.getRepository(ChannelKey);
    for (const keyId of keyIds) {
      const row = await lockedKey(repo, channelId, keyId);
      const before = this.auditViewOf(row);
      Object.assign(row, { status: 'disabled', consecutiveFailures: 0, disabledReason: null });
      await this.auditUpdate(actor, before, await repo.save(row), manager);
    }
  }

  /** The audit entry of a key's change, in the changing transaction. */
  private async auditUpdate(
    actor: Actor,
    before: ReturnType<ChannelKeysService['auditViewOf']>,
    saved: ChannelKey,
    manager: EntityManager,
  ): Promise<void> {
    await this.audit.record(
      {
        actor,
        tenantId: null,
        action: 'update',
        entityType: AUDIT_KEY,
        entityId: saved.id,
        before,
        after: this.auditViewOf(saved),
      },
      manager,
    );
  }

  async update(
    actor: Actor,
    channelId: string,
    keyId: string,
    dto: UpdateChannelKeyDto,
  ): Promise<ChannelKeyView> {
    let secretReplaced = false;
    const updated = await this.keys.manager.transaction(async (manager) => {
      const repo = manager.getRepository(ChannelKey);
      const row = await lockedKey(repo, channelId, keyId);
      const before = this.auditViewOf(row);

      const fields = this.fieldsOf(dto);
      if (fields.status !== undefined && fields.status !== row.status) {
        // An admin's decision replaces the probes': their streak and reason no longer apply.
        Object.assign(row, { consecutiveFailures: 0, disabledReason: null });
      }
      Object.assign(row, fields);
      if (dto.key !== undefined) {
        const fingerprint = keyFingerprint(dto.key);
        if (fingerprint !== row.keyFingerprint) {
          const clash = await repo.exists({ where: { channelId, keyFingerprint: fingerprint } });
          if (clash)
            throw new ChannelsError(ChannelsErrorCode.DuplicateKey, 'key is already in this channel');
          const sealed = this.cipher.encrypt(dto.key, channelKeyAad(channelId, keyId));
          Object.assign(row, {
            keyCiphertext: sealed.ciphertext,
            keyVersion: sealed.version,
            keyHint: keyHintOf(dto.key),
            keyFingerprint: fingerprint,
            // A new secret has not been checked yet.
            health: 'unknown' as KeyHealth,
            lastCheckedAt: null,
            lastLatencyMs: null,
            consecutiveFailures: 0,
          });
          secretReplaced = true;
        }
      }
      let saved: ChannelKey;
      try {
        saved = await repo.save(row);
      } catch (error) {
        if (isUniqueViolation(error, FINGERPRINT_INDEX))
          throw new ChannelsError(ChannelsErrorCode.DuplicateKey);
        throw scrubbedQueryError(error);
      }
      await this.auditUpdate(actor, before, saved, manager);
      return saved;
    });
    // An enabled (or new) key is no longer the one the relay saw refused: every relay may take it.
    if (dto.status === 'enabled' || dto.key !== undefined)
      await clearKeyRefusal(this.redis, this.config.REDIS_PREFIX, keyId);
    // The old secret's cooldowns (its account's rate limits, its credit) are not the new one's.
    if (secretReplaced) await clearKeyCooldown(this.redis, this.config.REDIS_PREFIX, keyId);
    await this.changes.publish(CHANNELS_TOPIC, channelId);
    return (await this.viewsOf([updated]))[0] as ChannelKeyView;
  }

  async remove(actor: Actor, channelId: string, keyId: string): Promise<void> {
    await this.keys.manager.transaction(async (manager) => {
      const repo = manager.getRepository(ChannelKey);
      const row = await repo.findOne({
        where: { id: keyId, channelId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!row) throw new ChannelsError(ChannelsErrorCode.NotFound);
      await repo.delete({ id: keyId });
      await this.audit.record(
        {
          actor,
          tenantId: null,
          action: 'delete',
          entityType: AUDIT_KEY,
          entityId: keyId,
          before: this.auditViewOf(row),
        },
        manager,
      );
    });
    await this.changes.publish(CHANNELS_TOPIC, channelId);
    await this.redis.del(keyStatsRedisKey(this.config.REDIS_PREFIX, keyId));
  }

  /** The plaintext of a key; ChannelsError(key_undecryptable) if the keyring cannot open it. */
  decrypt(row: ChannelKey): string {
    return this.cipher.openKey(row);
  }

  /**
   * After a master-key rotation: re-encrypts every key still under an older version with the current
   * one, so the old ENCRYPTION_KEYS_PREVIOUS entry can be retired. Idempotent; returns how many moved.
   */
  async reencryptToCurrentVersion(batchSize = 200): Promise<number> {
    const current = this.cipher.currentVersion;
    let moved = 0;
    for (;;) {
      const batch = await this.keys.find({
        where: { keyVersion: Not(current) },
        take: batchSize,
        order: { id: 'ASC' },
      });
      if (batch.length === 0) return moved;
      for (const row of batch) {
        const sealed = this.cipher.encrypt(this.decrypt(row), channelKeyAad(row.channelId, row.id));
        // Compare-and-set on the old ciphertext: a concurrent PATCH of the key wins.
        const result = await this.keys.update(
          { id: row.id, keyCiphertext: row.keyCiphertext },
          { keyCiphertext: sealed.ciphertext, keyVersion: sealed.version },
        );
        moved += result.affected ?? 0;
      }
    }
  }

  /** The highest-priority enabled key of a channel (ties: heavier, then older), or the named one. */
  async pickForTest(channelId: string, keyId?: string): Promise<ChannelKey> {
    if (keyId) {
      const row = await this.keys.findOne({ where: { id: keyId, channelId } });
      if (!row) throw new ChannelsError(ChannelsErrorCode.NotFound, 'no such key in this channel');
      return row;
    }
    const row = await this.keys.findOne({
      where: { channelId, status: 'enabled' },
      order: { priority: 'DESC', weight: 'DESC', createdAt: 'ASC', id: 'ASC' },
    });
    if (!row) throw new ChannelsError(ChannelsErrorCode.NoEnabledKey);
    return row;
  }

  /** A key's probe history (scheduled, early and test-button probes), newest first. */
  async probes(
    channelId: string,
    keyId: string,
    query: ListKeyProbesQuery,
  ): Promise<{ items: ChannelKeyProbeView[]; total: number }> {
    if (!(await this.keys.exists({ where: { id: keyId, channelId } })))
      throw new ChannelsError(ChannelsErrorCode.NotFound);
    const { skip, take } = pageWindow(query);
    const [rows, total] = await this.keys.manager.getRepository(ChannelKeyProbe).findAndCount({
      where: { keyId, ...(query.result ? { result: query.result } : {}) },
      order: { checkedAt: 'DESC', id: 'DESC' },
      skip,
      take,
    });
    return { items: rows.map((row) => ChannelKeyProbeView.of(row)), total };
  }

  /**
   * Ends the key's cooldowns in Redis (its own and its models', and their backoff streaks), so the
   * relay uses the key on the next request. Audited with the cooldowns it ended.
   */
  async resetCooldown(actor: Actor, channelId: string, keyId: string): Promise<ChannelKeyView> {
    const row = await this.keys.findOne({ where: { id: keyId, channelId } });
    if (!row) throw new ChannelsError(ChannelsErrorCode.NotFound);
    const [before] = await this.viewsOf([row]);
    await clearKeyCooldown(this.redis, this.config.REDIS_PREFIX, keyId);
    const [after] = await this.viewsOf([row]);
    await this.audit.record({
      actor,
      tenantId: null,
      action: 'update',
      entityType: AUDIT_KEY,
      entityId: keyId,
      before: { cooldownUntil: before?.cooldownUntil ?? null, modelCooldowns: before?.modelCooldowns ?? {} },
      after: { cooldownUntil: after?.cooldownUntil ?? null, modelCooldowns: after?.modelCooldowns ?? {} },
    });
    return after as ChannelKeyView;
  }

  /** An audit row's picture of a key: the view without live counters (the audit redacts secrets too). */
  auditViewOf(row: ChannelKey): ChannelKeyView {
    return ChannelKeyView.of(row);
  }

  private async viewsOf(rows: ChannelKey[]): Promise<ChannelKeyView[]> {
    const stats = await readKeyStats(
      this.redis,
      this.config.REDIS_PREFIX,
      rows.map((r) => r.id),
    );
    return rows.map((row) => ChannelKeyView.of(row, stats.get(row.id)));
  }

  private newRow(
    channelId: string,
    secret: string,
    fingerprint: string,
    dto: CreateChannelKeysDto,
  ): ChannelKey {
    // The id is chosen here so the ciphertext can be bound to it (AAD) before the row exists.
    const id = randomUUID();
    const sealed = this.cipher.encrypt(secret, channelKeyAad(channelId, id));
    return this.keys.create({
      id,
      channelId,
      label: dto.label ?? '',
      keyCiphertext: sealed.ciphertext,
      keyVersion: sealed.version,
      keyHint: keyHintOf(secret),
      keyFingerprint: fingerprint,
      priority: 0,
      weight: 1,
      rpm: null,
      tpm: null,
      rpd: null,
      tpd: null,
      modelLimits: {},
      status: 'enabled',
      health: 'unknown',
      lastCheckedAt: null,
      lastLatencyMs: null,
      consecutiveFailures: 0,
      disabledReason: null,
      ...this.fieldsOf(dto),
    });
  }

  /** The non-secret fields a request sets. null clears a limit; undefined keeps what is there. */
  private fieldsOf(dto: ChannelKeyFieldsDto): Partial<ChannelKey> {
    const out: Partial<ChannelKey> = {};
    if (dto.label != null) out.label = dto.label;
    if (dto.priority != null) out.priority = dto.priority;
    if (dto.weight != null) out.weight = dto.weight;
    if (dto.status != null) out.status = dto.status;
    if (dto.rpm !== undefined) out.rpm = dto.rpm;
    if (dto.tpm !== undefined) out.tpm = dto.tpm;
    if (dto.rpd !== undefined) out.rpd = dto.rpd;
    if (dto.tpd !== undefined) out.tpd = dto.tpd === null ? null : BigInt(dto.tpd);
    if (dto.modelLimits != null) out.modelLimits = dto.modelLimits;
    return out;
  }

  private transaction<T>(inside: EntityManager | undefined, work: (manager: EntityManager) => Promise<T>) {
    return inside ? work(inside) : this.keys.manager.transaction(work);
  }

  private async assertChannel(channelId: string): Promise<void> {
    if (!(await this.channels.exists({ where: { id: channelId } })))
      throw new ChannelsError(ChannelsErrorCode.NotFound);
  }
}

/** A channel's key, locked for the rest of the transaction; 404 when the channel has no such key. */
async function lockedKey(
  repo: Repository<ChannelKey>,
  channelId: string,
  keyId: string,
): Promise<ChannelKey> {
  const row = await repo.findOne({ where: { id: keyId, channelId }, lock: { mode: 'pessimistic_write' } });
  if (!row) throw new ChannelsError(ChannelsErrorCode.NotFound);
  return row;
}
