// Per-group price multipliers (NewAPI's group ratio). Changes are announced on the ChangeFeed's
// `prices` topic so every relay process reloads its PriceBook, multipliers included.
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { AuditService } from '@gateway/audit';
import { Actor, isSuperAdmin, TenantsService } from '@gateway/identity';
import { ChangeFeed } from '@gateway/redis';
import { Repository } from 'typeorm';
import { BillingError, BillingErrorCode } from '../billing.errors';
import { GroupMultiplier } from '../entities/group-multiplier.entity';
import { PRICES_TOPIC } from '../pricing/prices-topic';
import { normalizeMultiplier } from './apply-multiplier';
import { SetMultiplierDto } from './dto/set-multiplier.dto';
import { GroupMultiplierListView, GroupMultiplierView } from './views/group-multiplier.view';

const AUDIT_TYPE = 'group_multiplier';

@Injectable()
export class GroupMultipliersService {
  constructor(
    @InjectRepository(GroupMultiplier) private readonly rows: Repository<GroupMultiplier>,
    private readonly audit: AuditService,
    private readonly changes: ChangeFeed,
    private readonly tenants: TenantsService,
  ) {}

  /** Every group's multiplier that was set (canonical decimal strings); other groups have "1". */
  async multipliers(): Promise<Map<string, string>> {
    const rows = await this.rows.find();
    return new Map(rows.map((row) => [row.group, normalizeMultiplier(row.multiplier)]));
  }

  async list(): Promise<GroupMultiplierListView> {
    const rows = await this.rows.find({ order: { group: 'ASC' } });
    return { items: rows.map((row) => GroupMultiplierView.of(row.group, row)), total: rows.length };
  }

  /** A super admin reads any group; anyone else only their own tenant's (others: 404). */
  async get(actor: Actor, group: string): Promise<GroupMultiplierView> {
    if (!isSuperAdmin(actor)) {
      const own = actor.tenantId ? await this.tenants.findGroup(actor.tenantId) : undefined;
      if (own !== group) throw new BillingError(BillingErrorCode.NotFound);
    }
    return GroupMultiplierView.of(group, await this.rows.findOneBy({ group }));
  }

  async set(actor: Actor, group: string, dto: SetMultiplierDto): Promise<GroupMultiplierView> {
    const multiplier = normalizeMultiplier(dto.multiplier);
    const { view, changed } = await this.rows.manager.transaction(async (manager) => {
      const existing = await manager.findOne(GroupMultiplier, {
        where: { group },
        lock: { mode: 'pessimistic_write' },
      });
      const before = existing ? GroupMultiplierView.of(group, existing) : null;
      if (before?.multiplier === multiplier) return { view: before, changed: false };
      await manager.upsert(GroupMultiplier, { group, multiplier, updatedBy: actor.userId }, ['group']);
      const after = GroupMultiplierView.of(group, await manager.findOneByOrFail(GroupMultiplier, { group }));
      await this.audit.record(
        {
          actor,
          tenantId: null,
          action: before ? 'update' : 'create',
          entityType: AUDIT_TYPE,
          entityId: group,
          before,
          after,
        },
        manager,
      );
      return { view: after, changed: true };
    });
    // No id: a multiplier changes the cost of every model, so readers reload the whole book.
    if (changed) await this.changes.publish(PRICES_TOPIC);
    return view;
  }
}
