// The routing group of a tenant, which decides the models its users see.
//
// Stop-gap: the identity domain (TenantsService) is being built in parallel, so the default
// provider below reads the tenants table directly. Switch TENANT_GROUP_LOOKUP to a provider backed
// by the identity service once it exports one; nothing else here needs to change.
import { Injectable, Provider } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export const TENANT_GROUP_LOOKUP = Symbol('TENANT_GROUP_LOOKUP');

export interface TenantGroupLookup {
  /** The tenant's group, or null when there is no such tenant. */
  groupOf(tenantId: string): Promise<string | null>;
}

@Injectable()
export class SqlTenantGroupLookup implements TenantGroupLookup {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async groupOf(tenantId: string): Promise<string | null> {
    const rows = (await this.dataSource.query('SELECT "group" FROM tenants WHERE id = $1', [tenantId])) as {
      group: string;
    }[];
    return rows[0]?.group ?? null;
  }
}

export const tenantGroupLookupProvider: Provider = {
  provide: TENANT_GROUP_LOOKUP,
  useClass: SqlTenantGroupLookup,
};
