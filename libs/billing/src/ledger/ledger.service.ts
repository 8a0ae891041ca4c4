// Reading a tenant's money: its ledger lines and their sums. Writing goes through CreditPoster
// (credits, via /api) and the worker's usage debits, both by appendLedgerLine.
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { pageWindow } from '@gateway/common/http';
import { Actor, isSuperAdmin, readScope, TenantsService } from '@gateway/identity';
import { Repository } from 'typeorm';
import { BillingError, BillingErrorCode } from '../billing.errors';
import { LedgerEntry } from '../entities/ledger-entry.entity';
import { ListLedgerEntriesQuery } from './dto/list-ledger-entries.query';
import { TenantBalancesReader } from './tenant-balances.reader';
import { LedgerEntryView, LedgerPageView } from './views/ledger-entry.view';
import { TenantBalanceView } from './views/tenant-balance.view';

@Injectable()
export class LedgerService {
  constructor(
    @InjectRepository(LedgerEntry) private readonly entries: Repository<LedgerEntry>,
    private readonly balances: TenantBalancesReader,
    private readonly tenants: TenantsService,
  ) {}

  /** A page of the tenant's lines, newest first. */
  async list(actor: Actor, tenantId: string, query: ListLedgerEntriesQuery): Promise<LedgerPageView> {
    await this.assertTenantVisible(actor, tenantId);
    const { skip, take } = pageWindow(query);
    const qb = this.entries.createQueryBuilder('e').where('e.tenantId = :tenantId', { tenantId });
    if (query.kind) qb.andWhere('e.kind = :kind', { kind: query.kind });
    if (query.from) qb.andWhere('e.createdAt >= :from', { from: new Date(query.from) });
    if (query.to) qb.andWhere('e.createdAt < :to', { to: new Date(query.to) });
    const [rows, total] = await qb
      .orderBy('e.createdAt', 'DESC')
      // Lines of one transaction share a created_at; the later credit comes first.
      .addOrderBy('e.creditSeq', 'DESC', 'NULLS LAST')
      .addOrderBy('e.id', 'DESC')
      .skip(skip)
      .take(take)
      .getManyAndCount();
    return { items: rows.map((row) => LedgerEntryView.of(row)), total };
  }

  async balance(actor: Actor, tenantId: string): Promise<TenantBalanceView> {
    await this.assertTenantVisible(actor, tenantId);
    return TenantBalanceView.of(tenantId, await this.balances.find(tenantId));
  }

  /** Another tenant's id, or one that does not exist, is simply not found (404). */
  async assertTenantVisible(actor: Actor, tenantId: string): Promise<void> {
    readScope(actor, tenantId);
    if (isSuperAdmin(actor) && !(await this.tenants.exists(tenantId))) {
      throw new BillingError(BillingErrorCode.NotFound, 'no such tenant');
    }
  }
}
