// The models catalog: every model name served by an enabled channel, with its current price.
// A tenant's users see only channels serving their tenant's group.
import { Injectable } from '@nestjs/common';
import { CatalogChannel, ChannelsService } from '@gateway/channels';
import { pageWindow } from '@gateway/common/http';
import { Actor, isSuperAdmin, TenantsService } from '@gateway/identity';
import { BillingError, BillingErrorCode } from '../billing.errors';
import type { ListModelsQuery } from '../dto/list-models.query';
import { ModelPricesService } from '../model-prices.service';
import { CatalogListView, CatalogModelView } from '../views/catalog-model.view';
import { PriceView } from '../views/model-price.view';

interface CatalogEntry {
  id: string;
  channels: number;
  types: Set<string>;
  groups: Set<string>;
}

@Injectable()
export class ModelCatalogService {
  constructor(
    private readonly channels: ChannelsService,
    private readonly prices: ModelPricesService,
    private readonly tenants: TenantsService,
  ) {}

  async list(actor: Actor, query: ListModelsQuery): Promise<CatalogListView> {
    let entries = await this.entriesFor(actor);
    if (query.q) {
      const needle = query.q.toLowerCase();
      entries = entries.filter((entry) => entry.id.toLowerCase().includes(needle));
    }
    const { skip, take } = pageWindow(query);
    const page = entries.slice(skip, skip + take);
    const prices = await this.prices.currentPrices(page.map((entry) => entry.id));
    return {
      items: page.map((entry) => {
        const price = prices.get(entry.id);
        return this.viewOf(entry, price ? PriceView.of(price) : null);
      }),
      total: entries.length,
    };
  }

  /** A super admin may look at any model's price; anyone else only at models they can use (else 404). */
  async assertVisible(actor: Actor, model: string): Promise<void> {
    if (isSuperAdmin(actor)) return;
    const entries = await this.entriesFor(actor);
    if (!entries.some((entry) => entry.id === model)) throw new BillingError(BillingErrorCode.NotFound);
  }

  private async entriesFor(actor: Actor): Promise<CatalogEntry[]> {
    let channels: CatalogChannel[] = await this.channels.listEnabledForCatalog();
    let ownGroup: string | null = null;
    if (!isSuperAdmin(actor)) {
      ownGroup = actor.tenantId ? ((await this.tenants.findGroup(actor.tenantId)) ?? null) : null;
      if (ownGroup === null) return [];
      const group = ownGroup;
      channels = channels.filter((channel) => channel.groups.includes(group));
    }
    const byModel = new Map<string, CatalogEntry>();
    for (const channel of channels) {
      for (const model of new Set(channel.models)) {
        const entry = byModel.get(model) ?? { id: model, channels: 0, types: new Set(), groups: new Set() };
        entry.channels += 1;
        entry.types.add(channel.type);
        // A tenant learns nothing about the other groups a channel serves.
        for (const group of ownGroup ? [ownGroup] : channel.groups) entry.groups.add(group);
        byModel.set(model, entry);
      }
    }
    return [...byModel.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  private viewOf(entry: CatalogEntry, price: PriceView | null): CatalogModelView {
    return {
      id: entry.id,
      channels: entry.channels,
      types: [...entry.types].sort(),
      groups: [...entry.groups].sort(),
      price,
    };
  }
}
