import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { PageQuery, pageWindow } from '@gateway/common/http';
import { ChangeFeed } from '@gateway/redis';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { AuditRecorder } from '../audit-recorder';
import { Actor, canSeeTenant, readScope } from '../auth/actor';
import { revokeSessionsOfTenant } from '../auth/revoke-sessions';
import { Tenant, TenantBillingProfile } from '../entities/tenant.entity';
import {
  EDITABLE_TENANT_FIELDS,
  forbiddenTenantFields,
  TENANT_ADMIN_ROLES,
  TENANT_FIELDS,
  TenantField,
} from '../identity-permissions';
import { IdentityError, IdentityErrorCode } from '../identity.errors';
import { isUniqueViolation } from '@gateway/db';
import { BillingProfileDto } from './dto/billing-profile.dto';
import { CreateTenantDto } from './dto/create-tenant.dto';
import { TenantView } from './views/tenant.view';
import { UpdateTenantDto } from './dto/update-tenant.dto';
import { canonicalTimeZone } from './time-zone';

const NAME_INDEX = 'tenants_name_key';
/** The ChangeFeed topic announced after a tenant changed (the relay drops its cached facts). */
export const TENANTS_TOPIC = 'tenants';

@Injectable()
export class TenantsService {
  constructor(
    @InjectRepository(Tenant) private readonly tenants: Repository<Tenant>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditRecorder,
    private readonly changes: ChangeFeed,
  ) {}

  async list(actor: Actor, query: PageQuery): Promise<{ items: Tenant[]; total: number }> {
    const scope = readScope(actor);
    const [items, total] = await this.tenants.findAndCount({
      where: scope.tenantId ? { id: scope.tenantId } : {},
      order: { createdAt: 'ASC', id: 'ASC' },
      ...pageWindow(query),
    });
    return { items, total };
  }

  async get(actor: Actor, id: string): Promise<Tenant> {
    const tenant = canSeeTenant(actor, id) ? await this.tenants.findOneBy({ id }) : null;
    if (!tenant) throw new IdentityError(IdentityErrorCode.NotFound);
    return tenant;
  }

  async create(actor: Actor, dto: CreateTenantDto): Promise<Tenant> {
    if (!TENANT_ADMIN_ROLES.includes(actor.role)) throw new IdentityError(IdentityErrorCode.Forbidden);
    const name = dto.name.trim();
    // Checked first for a clean answer; the unique index still decides a race.
    if (await this.tenants.existsBy({ name })) throw nameTakenError(name);
    try {
      return await this.dataSource.transaction(async (manager) => {
        const tenant = await manager.save(
          manager.create(Tenant, {
            name,
            group: dto.group ?? 'default',
            timezone: dto.timezone ? canonicalTimeZone(dto.timezone) : 'UTC',
            billingEmail: dto.billingEmail?.toLowerCase() ?? null,
            status: 'active',
          }),
        );
        await this.recordCreate(actor, tenant, manager);
        return tenant;
      });
    } catch (error) {
      throw isUniqueViolation(error, NAME_INDEX) ? nameTakenError(name) : error;
    }
  }

  async update(actor: Actor, id: string, dto: UpdateTenantDto): Promise<Tenant> {
    if (!canSeeTenant(actor, id)) throw new IdentityError(IdentityErrorCode.NotFound);
    if (EDITABLE_TENANT_FIELDS[actor.role].length === 0) throw new IdentityError(IdentityErrorCode.Forbidden);
    try {
      const updated = await this.dataSource.transaction(async (manager) => {
        const tenant = await manager.findOne(Tenant, { where: { id }, lock: { mode: 'pessimistic_write' } });
        if (!tenant) throw new IdentityError(IdentityErrorCode.NotFound);
        const before = TenantView.fields(tenant);
        const wanted = normalized(dto);
        // Sending a field unchanged is not changing it, so a client may PATCH back what it read.
        if (dto.billingProfile !== undefined) {
          wanted.billingProfile = mergedBillingProfile(tenant.billingProfile, dto.billingProfile);
        }
        const changed = TENANT_FIELDS.filter(
          (f) => wanted[f] !== undefined && JSON.stringify(wanted[f]) !== JSON.stringify(tenant[f]),
        );
        const refused = forbiddenTenantFields(actor.role, changed);
        if (refused.length > 0) {
          throw new IdentityError(
            IdentityErrorCode.Forbidden,
            `your role may not change ${refused.join(', ')}`,
          );
        }
        if (changed.length === 0) return tenant;
        if (changed.includes('name') && (await manager.existsBy(Tenant, { name: wanted.name }))) {
          throw nameTakenError(wanted.name ?? '');
        }
        Object.assign(tenant, pick(wanted, changed));
        const saved = await manager.save(tenant);
        if (changed.includes('status') && saved.status === 'disabled') {
          await revokeSessionsOfTenant(manager, saved.id);
        }
        await this.audit.record(
          {
            actor,
            tenantId: saved.id,
            action: 'update',
            entityType: 'tenant',
            entityId: saved.id,
            before,
            after: TenantView.fields(saved),
          },
          manager,
        );
        return saved;
      });
      await this.changes.publish(TENANTS_TOPIC, id);
      return updated;
    } catch (error) {
      throw isUniqueViolation(error, NAME_INDEX) ? nameTakenError(dto.name?.trim() ?? '') : error;
    }
  }

  /** For other domains: does this tenant exist? */
  async exists(id: string): Promise<boolean> {
    return this.tenants.exists({ where: { id } });
  }

  /** For other domains: the routing group of a tenant, or undefined when there is no such tenant. */
  async findGroup(id: string): Promise<string | undefined> {
    const tenant = await this.tenants.findOne({ where: { id }, select: { id: true, group: true } });
    return tenant?.group;
  }

  /** For billing periods: the tenant's IANA time zone, or undefined when there is no such tenant. */
  async findTimezone(id: string): Promise<string | undefined> {
    const tenant = await this.tenants.findOne({ where: { id }, select: { id: true, timezone: true } });
    return tenant?.timezone;
  }

  /** For the relay: what a request needs of its tenant, in one read; undefined when there is none. */
  async routingFacts(id: string): Promise<{ group: string; active: boolean } | undefined> {
    const tenant = await this.tenants.findOne({
      where: { id },
      select: { id: true, group: true, status: true },
    });
    return tenant ? { group: tenant.group, active: tenant.status === 'active' } : undefined;
  }

  /** For other domains: true when the tenant exists and is not disabled. */
  async isActive(id: string): Promise<boolean> {
    return this.tenants.exists({ where: { id, status: 'active' } });
  }

  async recordCreate(actor: Actor | null, tenant: Tenant, manager: EntityManager): Promise<void> {
    await this.audit.record(
      {
        actor,
        tenantId: tenant.id,
        action: 'create',
        entityType: 'tenant',
        entityId: tenant.id,
        after: TenantView.fields(tenant),
      },
      manager,
    );
  }
}

function nameTakenError(name: string): IdentityError {
  return new IdentityError(IdentityErrorCode.Conflict, `a tenant named "${name}" already exists`);
}

type TenantChanges = Partial<Pick<Tenant, TenantField>>;

function normalized(dto: UpdateTenantDto): TenantChanges {
  return {
    name: dto.name?.trim(),
    group: dto.group,
    timezone: dto.timezone === undefined ? undefined : canonicalTimeZone(dto.timezone),
    billingEmail: dto.billingEmail === undefined ? undefined : (dto.billingEmail?.toLowerCase() ?? null),
    status: dto.status,
  };
}

const DEFAULT_PROFILE: TenantBillingProfile = {
  legalName: null,
  address: null,
  country: null,
  taxId: null,
  email: null,
  currency: 'USD',
  language: 'en',
};

/** The profile after a PATCH: fields left out keep their values; blank text clears a field. */
function mergedBillingProfile(
  before: TenantBillingProfile | null,
  dto: BillingProfileDto | null,
): TenantBillingProfile | null {
  if (dto === null) return null;
  const text = (value: string | null | undefined) =>
    value === undefined ? undefined : value?.trim() || null;
  const given: Partial<TenantBillingProfile> = {
    legalName: text(dto.legalName),
    address: text(dto.address),
    country: text(dto.country)?.toUpperCase() ?? text(dto.country),
    taxId: text(dto.taxId),
    email: text(dto.email)?.toLowerCase() ?? text(dto.email),
    currency: dto.currency,
    language: dto.language,
  };
  const merged: TenantBillingProfile = { ...DEFAULT_PROFILE, ...(before ?? {}) };
  for (const [key, value] of Object.entries(given)) {
    if (value !== undefined) (merged as unknown as Record<string, unknown>)[key] = value;
  }
  return merged;
}

function pick(changes: TenantChanges, fields: readonly TenantField[]): TenantChanges {
  return Object.fromEntries(fields.map((f) => [f, changes[f]]));
}
