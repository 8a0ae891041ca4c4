// An immutable snapshot of the routable channels, shaped for the router, with what the relay needs
// besides (base URL, timeout, the keys' secrets) looked up by id.
import {
  AUTO_MODEL,
  type RoutingChannel,
  type RoutingConfig,
  type RoutingKey,
  servedNames,
} from '@gateway/channels';
import { adapterFor, type ProviderAdapter } from '@gateway/providers';
import { type Attempt, planAttempts } from '../routing/plan-attempts';
import type { ChannelCandidate, KeyCandidate } from '../routing/routing-snapshot';

export interface TableChannel extends ChannelCandidate {
  readonly type: RoutingChannel['type'];
  readonly baseUrl: string;
  readonly timeoutMs: number;
  /** Type-specific settings the adapter reads (Azure `apiVersion`, ...). */
  readonly settings: Readonly<Record<string, unknown>>;
  readonly keys: readonly TableKey[];
  /** How to speak to it. */
  readonly adapter: ProviderAdapter;
}

export interface TableKey extends KeyCandidate {
  readonly secret: string;
}

/** What a request's model resolves to: the models to try, in order. */
export interface ModelRoute {
  /** The models to try (each with its own channels and keys), first first. */
  readonly models: readonly string[];
  /** `direct`: a served model (maybe followed by the chain attached to it); `chain` / `auto`: a chain's. */
  readonly via: 'direct' | 'chain' | 'auto';
}

const NO_CONFIG: RoutingConfig = { chains: [], defaultChains: {}, unhashedGroups: [] };
const NO_CHANNELS: readonly TableChannel[] = [];

export class RoutingTable {
  readonly channels: readonly TableChannel[];
  /**
   * Each name a channel answers to (a model it lists, an alias it maps) → the channels that serve it,
   * in table order: what a request looks up, so that its routing reads the few channels of its model
   * and not the whole table (issue #16: a scan of 300 channels of 50 models each took 64 µs a request,
   * 1,000 of 100 each 720 µs, more than the rest of a relayed request's work).
   */
  private readonly serving = new Map<string, TableChannel[]>();
  private readonly modelsByGroup = new Map<string, string[]>();
  private readonly chains: ReadonlyMap<string, readonly string[]>;
  /** model → the models of the chain attached to it (tried once its own candidates are exhausted). */
  private readonly fallbacks = new Map<string, readonly string[]>();
  private readonly defaultChains: Readonly<Record<string, string | null>>;
  private readonly unhashedGroups: ReadonlySet<string>;

  constructor(channels: readonly RoutingChannel[], config: RoutingConfig = NO_CONFIG) {
    this.chains = new Map(config.chains.map((c) => [c.name, c.models]));
    for (const chain of config.chains) {
      for (const model of chain.fallbackFor) {
        // Two chains attached to one model (refused on write; rows written before that): the first by
        // name (the order they were read in) wins.
        if (!this.fallbacks.has(model)) this.fallbacks.set(model, chain.models);
      }
    }
    this.defaultChains = config.defaultChains;
    this.unhashedGroups = new Set(config.unhashedGroups);
    const routable: TableChannel[] = [];
    for (const channel of channels) {
      // A channel of a wire format the relay does not speak yet is left out, not failed on.
      const adapter = adapterFor(channel.type);
      if (!adapter || channel.keys.length === 0) continue;
      routable.push(channelOf(channel, adapter));
    }
    this.channels = routable;
    for (const channel of routable) {
      for (const name of servedNames(channel)) {
        const serving = this.serving.get(name);
        if (serving === undefined) this.serving.set(name, [channel]);
        // A name the channel serves twice (listed and mapped) is one entry: it came last.
        else if (serving[serving.length - 1] !== channel) serving.push(channel);
      }
    }
  }

  /** The channels that serve `model` (whatever their groups and the state of their keys), in table order. */
  channelsServing(model: string): readonly TableChannel[] {
    return this.serving.get(model) ?? NO_CHANNELS;
  }

  /** Does any channel serve `model` to `group` (whatever the state of its keys)? */
  serves(model: string, group: string): boolean {
    return this.channelsServing(model).some((c) => c.groups.includes(group));
  }

  /**
   * The attempts for `model` in `group`, in the order to try them (plan-attempts.ts), planned over the
   * channels that serve it: the same plan as over the whole table, whose other channels it skips.
   */
  planFor(model: string, group: string, random: () => number): Attempt<TableChannel>[] {
    return planAttempts({ channels: this.channelsServing(model), model, groups: [group], random });
  }

  /**
   * The models a request for `model` tries, for `group`: a served model itself, then the chain
   * attached to it; a chain's models; `auto`: the group's default chain. Null when it names nothing.
   * A served model's name wins over a chain of the same name.
   */
  route(model: string, group: string): ModelRoute | null {
    if (this.serves(model, group)) {
      const fallback = this.fallbacks.get(model) ?? [];
      return { models: [model, ...fallback.filter((m) => m !== model)], via: 'direct' };
    }
    if (model === AUTO_MODEL) {
      const name = this.defaultChains[group] ?? null;
      const models = name === null ? undefined : this.chains.get(name);
      return models === undefined ? null : { models, via: 'auto' };
    }
    const models = this.chains.get(model);
    return models === undefined ? null : { models, via: 'chain' };
  }

  /** Whether conversations without `x-session-id` are recognised by their leading messages. */
  hashesSessions(group: string): boolean {
    return !this.unhashedGroups.has(group);
  }

  /** The chains (and `auto`, when the group has a default chain) a group can ask for. */
  chainsFor(group: string): { name: string; models: readonly string[] }[] {
    const found = [...this.chains].map(([name, models]) => ({ name, models }));
    const auto = this.defaultChains[group] ?? null;
    const autoModels = auto === null ? undefined : this.chains.get(auto);
    if (autoModels !== undefined) found.push({ name: AUTO_MODEL, models: autoModels });
    return found;
  }

  /** The model names (served and aliases) a group can ask for, sorted. */
  modelsFor(group: string): readonly string[] {
    let models = this.modelsByGroup.get(group);
    if (!models) {
      const names = new Set<string>();
      for (const channel of this.channels) {
        if (!channel.groups.includes(group)) continue;
        for (const model of channel.models) names.add(model);
        for (const alias of Object.keys(channel.modelMapping)) names.add(alias);
      }
      models = [...names].sort();
      this.modelsByGroup.set(group, models);
    }
    return models;
  }
}

// The table's channels and keys are written field by field, not spread: V8 gives most copies made by
// a spread a shape of their own (41 of 50 keys of one shape did), so that every read of a key or a
// channel on the hot path (planning, the admission's arguments, the settlement) met dozens of shapes
// and took V8's slowest, megamorphic, way (issue #16).
function channelOf(channel: RoutingChannel, adapter: ProviderAdapter): TableChannel {
  return Object.freeze({
    id: channel.id,
    name: channel.name,
    type: channel.type,
    baseUrl: channel.baseUrl,
    models: channel.models,
    modelMapping: channel.modelMapping,
    priority: channel.priority,
    weight: channel.weight,
    groups: channel.groups,
    timeoutMs: channel.timeoutMs,
    settings: channel.settings,
    status: 'enabled' as const,
    keys: channel.keys.map(keyOf),
    adapter,
  });
}

function keyOf(key: RoutingKey): TableKey {
  return Object.freeze({
    id: key.id,
    priority: key.priority,
    weight: key.weight,
    status: 'enabled' as const,
    rpm: key.rpm,
    tpm: key.tpm,
    rpd: key.rpd,
    tpd: key.tpd,
    modelLimits: key.modelLimits,
    dayZone: key.dayZone,
    secret: key.secret,
  });
}
