// Model fallback chains and the per-group routing choices (`auto`'s chain, hashed sessions): /api
// writes, audited and announced on the channels topic so that every relay reloads its table.
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { AuditService } from '@gateway/audit';
import { pageWindow } from '@gateway/common/http';
import { Actor } from '@gateway/identity';
import { ChangeFeed } from '@gateway/redis';
import { EntityManager, Not, QueryFailedError, Repository } from 'typeorm';
import { MODEL_CHAINS_TOPIC } from '../channels-topic';
import { ChannelsError, ChannelsErrorCode } from '../channels.errors';
import { CreateModelChainDto } from '../dto/create-model-chain.dto';
import { ListModelChainsQuery } from '../dto/list-model-chains.query';
import { UpdateModelChainDto } from '../dto/update-model-chain.dto';
import { GroupRouting } from '../entities/group-routing.entity';
import { ModelChain } from '../entities/model-chain.entity';
import { GroupRoutingView } from '../views/group-routing.view';
import { ModelChainView } from '../views/model-chain.view';
import { memberServability, type ServingChannel } from './member-servability';

const AUDIT_CHAIN = 'model_chain';
const AUDIT_GROUP = 'group_routing';

/** A chain as the relay reads it. */
export interface RoutingChain {
  name: string;
  models: string[];
  fallbackFor: string[];
}

/** The relay's routing configuration besides the channels. */
export interface RoutingConfig {
  chains: RoutingChain[];
  /** group → its `auto` chain's name (absent or null: none). */
  defaultChains: Record<string, string | null>;
  /** Groups that turned hashed sessions off. */
  unhashedGroups: string[];
}

@Injectable()
export class ModelChainsService {
  constructor(
    @InjectRepository(ModelChain) private readonly chains: Repository<ModelChain>,
    @InjectRepository(GroupRouting) private readonly groups: Repository<GroupRouting>,
    private readonly audit: AuditService,
    private readonly changes: ChangeFeed,
  ) {}

  async list(query: ListModelChainsQuery): Promise<{ items: ModelChainView[]; total: number }> {
    const { skip, take } = pageWindow(query);
    const [rows, total] = await this.chains.findAndCount({ order: { name: 'ASC' }, skip, take });
    const defaults = await this.defaultsOf(rows.map((r) => r.id));
    const channels = await servingChannels(this.chains.manager);
    return {
      items: rows.map((r) =>
        ModelChainView.of(r, defaults.get(r.id) ?? [], memberServability(r.models, channels)),
      ),
      total,
    };
  }

  async get(id: string): Promise<ModelChainView> {
    const chain = await this.chains.findOne({ where: { id } });
    if (!chain) throw new ChannelsError(ChannelsErrorCode.NotFound);
    return this.viewOf(chain);
  }

  async create(actor: Actor, dto: CreateModelChainDto): Promise<ModelChainView> {
    checkSelfReference(dto.name, dto.models);
    const view = await this.chains.manager.transaction(async (manager) => {
      await this.assertNameFree(manager, dto.name);
      const chain = manager.getRepository(ModelChain).create({
        name: dto.name,
        models: dto.models,
        fallbackFor: dto.fallbackFor ?? [],
      });
      await assertServable(manager, chain);
      const row = await this.saveNamed(manager, chain);
      const after = ModelChainView.of(row, [], memberServability(row.models, await servingChannels(manager)));
      await this.audit.record(
        { actor, tenantId: null, action: 'create', entityType: AUDIT_CHAIN, entityId: row.id, after },
        manager,
      );
      return after;
    });
    await this.announce(view.id);
    return view;
  }

  async update(actor: Actor, id: string, dto: UpdateModelChainDto): Promise<ModelChainView> {
    const view = await this.chains.manager.transaction(async (manager) => {
      const chain = await manager
        .getRepository(ModelChain)
        .findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!chain) throw new ChannelsError(ChannelsErrorCode.NotFound);
      const before = await this.viewOf(chain, manager);
      if (dto.name != null && dto.name !== chain.name) {
        await this.assertNameFree(manager, dto.name);
        chain.name = dto.name;
      }
      if (dto.models != null) chain.models = dto.models;
      if (dto.fallbackFor != null) chain.fallbackFor = dto.fallbackFor;
      checkSelfReference(chain.name, chain.models);
      await assertServable(manager, chain);
      const saved = await this.saveNamed(manager, chain);
      const after = await this.viewOf(saved, manager);
      await this.audit.record(
        { actor, tenantId: null, action: 'update', entityType: AUDIT_CHAIN, entityId: id, before, after },
        manager,
      );
      return after;
    });
    await this.announce(id);
    return view;
  }

  /** Deletes the chain; groups whose `auto` it was no longer serve `auto` (the foreign key sets null). */
  async remove(actor: Actor, id: string): Promise<void> {
    await this.chains.manager.transaction(async (manager) => {
      const chain = await manager
        .getRepository(ModelChain)
        .findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!chain) throw new ChannelsError(ChannelsErrorCode.NotFound);
      const before = await this.viewOf(chain, manager);
      await manager.getRepository(ModelChain).delete({ id });
      await this.audit.record(
        { actor, tenantId: null, action: 'delete', entityType: AUDIT_CHAIN, entityId: id, before },
        manager,
      );
    });
    await this.announce(id);
  }

  async groupRouting(group: string): Promise<GroupRoutingView> {
    const row = await this.groups.findOne({ where: { group }, relations: { defaultChain: true } });
    return groupView(group, row);
  }

  /** Sets (or with null clears) the chain `model: "auto"` means for the group. */
  async setDefaultChain(actor: Actor, group: string, chainName: string | null): Promise<GroupRoutingView> {
    return this.changeGroup(actor, group, async (manager, row) => {
      if (chainName === null) {
        row.defaultChainId = null;
        return;
      }
      const chain = await manager.getRepository(ModelChain).findOne({ where: { name: chainName } });
      if (!chain) {
        throw new ChannelsError(ChannelsErrorCode.ValidationFailed, `no model chain is named ${chainName}`, {
          field: 'chain',
        });
      }
      row.defaultChainId = chain.id;
    });
  }

  async setHashedSessions(actor: Actor, group: string, enabled: boolean): Promise<GroupRoutingView> {
    return this.changeGroup(actor, group, (_, row) => {
      row.hashedSessions = enabled;
      return Promise.resolve();
    });
  }

  /** The relay's view: every chain and group choice, read in two queries on a table reload. */
  async routingConfig(): Promise<RoutingConfig> {
    const [chains, groups] = await Promise.all([
      this.chains.find({ order: { name: 'ASC' } }),
      this.groups.find(),
    ]);
    const names = new Map(chains.map((c) => [c.id, c.name]));
    const defaultChains: Record<string, string | null> = {};
    for (const row of groups) {
      defaultChains[row.group] = row.defaultChainId === null ? null : (names.get(row.defaultChainId) ?? null);
    }
    return {
      chains: chains.map((c) => ({ name: c.name, models: c.models, fallbackFor: c.fallbackFor })),
      defaultChains,
      unhashedGroups: groups.filter((g) => !g.hashedSessions).map((g) => g.group),
    };
  }

  private async changeGroup(
    actor: Actor,
    group: string,
    change: (manager: EntityManager, row: GroupRouting) => Promise<void>,
  ): Promise<GroupRoutingView> {
    const view = await this.groups.manager.transaction(async (manager) => {
      const repo = manager.getRepository(GroupRouting);
      // Two admins setting a new group at once: the insert that loses does nothing and both lock the row.
      await repo.createQueryBuilder().insert().values({ group }).orIgnore().execute();
      const row = (await repo.findOne({
        where: { group },
        lock: { mode: 'pessimistic_write' },
      })) as GroupRouting;
      const before = await this.groupViewIn(manager, group, row);
      await change(manager, row);
      await repo.update(
        { group },
        { defaultChainId: row.defaultChainId, hashedSessions: row.hashedSessions },
      );
      const after = await this.groupViewIn(manager, group, row);
      await this.audit.record(
        { actor, tenantId: null, action: 'update', entityType: AUDIT_GROUP, entityId: group, before, after },
        manager,
      );
      return after;
    });
    await this.announce(group);
    return view;
  }

  private async groupViewIn(
    manager: EntityManager,
    group: string,
    row: GroupRouting,
  ): Promise<GroupRoutingView> {
    const chain =
      row.defaultChainId === null
        ? null
        : await manager.getRepository(ModelChain).findOne({ where: { id: row.defaultChainId } });
    return groupView(group, { ...row, defaultChain: chain });
  }

  private async viewOf(chain: ModelChain, manager?: EntityManager): Promise<ModelChainView> {
    const defaults = await this.defaultsOf([chain.id], manager);
    const channels = await servingChannels(manager ?? this.chains.manager);
    return ModelChainView.of(chain, defaults.get(chain.id) ?? [], memberServability(chain.models, channels));
  }

  private async defaultsOf(chainIds: string[], manager?: EntityManager): Promise<Map<string, string[]>> {
    const found = new Map<string, string[]>();
    if (chainIds.length === 0) return found;
    const rows = await (manager?.getRepository(GroupRouting) ?? this.groups)
      .createQueryBuilder('g')
      .where('g.default_chain_id IN (:...ids)', { ids: chainIds })
      .getMany();
    for (const row of rows) {
      const list = found.get(row.defaultChainId as string) ?? [];
      list.push(row.group);
      found.set(row.defaultChainId as string, list);
    }
    return found;
  }

  private async assertNameFree(manager: EntityManager, name: string): Promise<void> {
    if (await manager.getRepository(ModelChain).exists({ where: { name } })) {
      throw new ChannelsError(ChannelsErrorCode.ChainNameTaken, undefined, { field: 'name' });
    }
  }

  /** Saves, turning a lost race on the unique name into the same 409. */
  private async saveNamed(manager: EntityManager, chain: ModelChain): Promise<ModelChain> {
    try {
      return await manager.getRepository(ModelChain).save(chain);
    } catch (error) {
      if (error instanceof QueryFailedError && (error.driverError as { code?: string }).code === '23505') {
        throw new ChannelsError(ChannelsErrorCode.ChainNameTaken, undefined, { field: 'name' });
      }
      throw error;
    }
  }

  private async announce(id: string): Promise<void> {
    await this.changes.publish(MODEL_CHAINS_TOPIC, id);
  }
}

function checkSelfReference(name: string, models: readonly string[]): void {
  if (models.includes(name)) {
    throw new ChannelsError(ChannelsErrorCode.ValidationFailed, 'models must not contain the chain itself', {
      field: 'models',
    });
  }
}

/**
 * Refuses what the relay could never serve: chains do not nest (a member is tried as a served model
 * only), so a member named after another chain, or a chain named after another's member, is dead
 * unless a channel serves that name (a chain may shadow a served model: the model wins where served);
 * and a model falls back to one chain, so a second chain attached to it would never be tried.
 * Writes of chains are serialized, so two concurrent ones cannot each miss the other.
 */
async function assertServable(manager: EntityManager, chain: ModelChain): Promise<void> {
  await manager.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', ['channels:model-chains']);
  const others = await manager
    .getRepository(ModelChain)
    .find({ where: chain.id === undefined ? {} : { id: Not(chain.id) }, order: { name: 'ASC' } });
  const taken = others.find((other) => other.fallbackFor.some((model) => chain.fallbackFor.includes(model)));
  if (taken !== undefined) {
    const model = taken.fallbackFor.find((m) => chain.fallbackFor.includes(m)) as string;
    throw new ChannelsError(
      ChannelsErrorCode.ValidationFailed,
      `fallbackFor: ${model} already falls back to the chain ${taken.name} (a model falls back to one chain)`,
      { field: 'fallbackFor' },
    );
  }
  const chainNames = new Set(others.map((other) => other.name));
  const nested = chain.models.filter((model) => chainNames.has(model));
  const unserved = await unservedModels(manager, nested);
  if (unserved.length > 0) {
    throw new ChannelsError(
      ChannelsErrorCode.ValidationFailed,
      `models must not contain another chain (chains do not nest, and no channel serves a model named ${unserved.join(', ')})`,
      { field: 'models' },
    );
  }
  const holder = others.find((other) => other.models.includes(chain.name));
  if (holder !== undefined && (await unservedModels(manager, [chain.name])).length > 0) {
    throw new ChannelsError(
      ChannelsErrorCode.ValidationFailed,
      `name ${chain.name} is a member of the chain ${holder.name}, where it would never be served (chains do not nest)`,
      { field: 'name' },
    );
  }
}

/** Every channel, as servability needs it, in one query (an /api read; the relay has its own table). */
async function servingChannels(manager: EntityManager): Promise<ServingChannel[]> {
  const rows = (await manager.query(
    `SELECT c.status, c.groups, c.models, c.model_mapping AS "modelMapping",
            EXISTS (SELECT 1 FROM channel_keys k WHERE k.channel_id = c.id AND k.status = 'enabled') AS "hasKey"
       FROM channels c`,
  )) as ServingChannel[];
  return rows;
}

/** The names no channel serves (as a model or an alias), whatever its state or groups. */
async function unservedModels(manager: EntityManager, names: readonly string[]): Promise<string[]> {
  if (names.length === 0) return [];
  const rows = (await manager.query(
    `SELECT m.model FROM unnest($1::text[]) AS m(model)
      WHERE NOT EXISTS (SELECT 1 FROM channels c WHERE m.model = ANY(c.models) OR c.model_mapping ? m.model)`,
    [names],
  )) as { model: string }[];
  return rows.map((row) => row.model);
}

function groupView(
  group: string,
  row: (GroupRouting & { defaultChain?: ModelChain | null }) | null,
): GroupRoutingView {
  return {
    group,
    defaultChain: row?.defaultChain?.name ?? null,
    hashedSessions: row?.hashedSessions ?? true,
  };
}
