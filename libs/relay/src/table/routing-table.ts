// An immutable snapshot of the routable channels, shaped for the router, with what the relay needs
// besides (base URL, timeout, the keys' secrets) looked up by id.
import type { RoutingChannel, RoutingKey } from '@gateway/channels';
import { adapterFor, type ProviderAdapter } from '@gateway/providers';
import type { ChannelCandidate, KeyCandidate } from '../routing/routing-snapshot';
import { upstreamModelFor } from '../routing/plan-attempts';

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

export class RoutingTable {
  readonly channels: readonly TableChannel[];
  private readonly modelsByGroup = new Map<string, string[]>();

  constructor(channels: readonly RoutingChannel[]) {
    const routable: TableChannel[] = [];
    for (const channel of channels) {
      // A channel of a wire format the relay does not speak yet is left out, not failed on.
      const adapter = adapterFor(channel.type);
      if (!adapter || channel.keys.length === 0) continue;
      routable.push(
        Object.freeze({ ...channel, status: 'enabled' as const, keys: channel.keys.map(keyOf), adapter }),
      );
    }
    this.channels = routable;
  }

  /** Does any channel serve `model` to `group` (whatever the state of its keys)? */
  serves(model: string, group: string): boolean {
    return this.channels.some((c) => c.groups.includes(group) && upstreamModelFor(c, model) !== null);
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

function keyOf(key: RoutingKey): TableKey {
  return Object.freeze({ ...key, status: 'enabled' as const });
}
