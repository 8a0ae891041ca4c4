// Reads tenant_balances (the ledger's running sums): for billing's own views, and for identity's
// tenant reads through its TenantBalances port.
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { nanoToUsd } from '@gateway/db';
import { TenantBalances } from '@gateway/identity';
import { In, Repository } from 'typeorm';
import { TenantBalance } from '../entities/tenant-balance.entity';

@Injectable()
export class TenantBalancesReader implements TenantBalances {
  constructor(@InjectRepository(TenantBalance) private readonly balances: Repository<TenantBalance>) {}

  /** The row, or null for a tenant that has no ledger line yet (balance 0). */
  find(tenantId: string): Promise<TenantBalance | null> {
    return this.balances.findOneBy({ tenantId });
  }

  async balancesUsd(tenantIds: readonly string[]): Promise<Map<string, string>> {
    const rows = tenantIds.length === 0 ? [] : await this.balances.findBy({ tenantId: In([...tenantIds]) });
    const byTenant = new Map(rows.map((row) => [row.tenantId, row.balanceNano]));
    return new Map(tenantIds.map((id) => [id, nanoToUsd(byTenant.get(id) ?? 0n)]));
  }
}
