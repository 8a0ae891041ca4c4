// For invoices (which run in the worker, without the api's tenant service): who a tenant bills and
// the zone of its billing periods, read in the caller's transaction.
import type { EntityManager } from 'typeorm';
import { Tenant, TenantBillingProfile } from '../entities/tenant.entity';

export interface TenantBillingDetails {
  id: string;
  name: string;
  billingEmail: string | null;
  timezone: string;
  createdAt: Date;
  /** The routing group, whose price multiplier the invoice's unit prices include. */
  group: string;
  billingProfile: TenantBillingProfile | null;
}

const FIELDS = {
  id: true,
  name: true,
  billingEmail: true,
  timezone: true,
  createdAt: true,
  group: true,
  billingProfile: true,
} as const;

export async function tenantBillingDetails(
  manager: EntityManager,
  id: string,
): Promise<TenantBillingDetails | undefined> {
  return (await manager.getRepository(Tenant).findOne({ where: { id }, select: FIELDS })) ?? undefined;
}

/** Every tenant (disabled ones too: they may owe for past usage), oldest first. */
export async function tenantsForBilling(manager: EntityManager): Promise<TenantBillingDetails[]> {
  return manager.getRepository(Tenant).find({ select: FIELDS, order: { createdAt: 'ASC', id: 'ASC' } });
}
