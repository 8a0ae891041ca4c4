// A user moved over from another gateway (NewAPI / one-api): their own tenant, them as its owner (or a
// super admin), their password hash kept as it was. The importer calls this inside its transaction
// and records the audit rows; identity only knows how such an account is laid out and kept unique.
import { isEmail } from 'class-validator';
import { EntityManager, Not } from 'typeorm';
import type { AuditEntry } from '../audit-recorder';
import type { Actor } from '../auth/actor';
import { TenantView } from '../tenants/views/tenant.view';
import { Tenant, TenantStatus } from '../entities/tenant.entity';
import { User } from '../entities/user.entity';
import { Role } from '../roles';
import { userAuditSnapshot } from './user-audit-snapshot';
import { revokeSessionsOfTenant, revokeSessionsOfUser } from '../auth/revoke-sessions';
import { canonicalEmail } from '../dto/account-fields';

export interface ImportedAccountInput {
  /** The tenant and user an earlier run made for this source row, if any (and still there). */
  tenantId: string | null;
  userId: string | null;
  username: string;
  /** Wanted email; a missing or already-taken one gets `fallbackEmail` instead. */
  email: string | null;
  fallbackEmail: string;
  /** Wanted tenant name; taken by another tenant, `fallbackTenantName` instead. */
  tenantName: string;
  fallbackTenantName: string;
  name: string | null;
  role: Role.Owner | Role.SuperAdmin;
  disabled: boolean;
  group: string;
  /** Set on creation; on an update only when given (the source's password changed). */
  passwordHash?: string;
}

export interface ImportedAccount {
  tenantId: string;
  userId: string;
  email: string;
  /** null when the username was taken by another user of this gateway. */
  username: string | null;
  tenantName: string;
  created: boolean;
  changed: boolean;
  audit: AuditEntry[];
}

/** Creates or updates the account in `manager`'s transaction; returns what to audit. */
export async function upsertImportedAccount(
  manager: EntityManager,
  actor: Actor | null,
  input: ImportedAccountInput,
): Promise<ImportedAccount> {
  const audit: AuditEntry[] = [];
  const status: TenantStatus = input.disabled ? 'disabled' : 'active';
  let tenant = input.tenantId ? await manager.findOneBy(Tenant, { id: input.tenantId }) : null;
  let user = input.userId ? await manager.findOneBy(User, { id: input.userId }) : null;
  const created = !user;

  if (!tenant) {
    const nameTaken = await manager.existsBy(Tenant, { name: input.tenantName });
    tenant = await manager.save(
      manager.create(Tenant, {
        name: nameTaken ? input.fallbackTenantName : input.tenantName,
        group: input.group,
        timezone: 'UTC',
        billingEmail: null,
        status,
      }),
    );
    audit.push(tenantEntry(actor, 'create', null, tenant));
  } else if (tenant.group !== input.group || tenant.status !== status) {
    const before = TenantView.fields(tenant);
    Object.assign(tenant, { group: input.group, status });
    tenant = await manager.save(tenant);
    if (before.status !== 'disabled' && status === 'disabled')
      await revokeSessionsOfTenant(manager, tenant.id);
    audit.push(tenantEntry(actor, 'update', before, tenant));
  }

  const tenantId = input.role === Role.SuperAdmin ? null : tenant.id;
  if (!user) {
    const email = await freeEmail(manager, input.email, input.fallbackEmail, null);
    const username = await freeUsername(manager, input.username, null);
    user = await manager.save(
      manager.create(User, {
        email,
        username,
        name: input.name,
        tenantId,
        role: input.role,
        passwordHash: input.passwordHash ?? '',
        disabled: input.disabled,
      }),
    );
    audit.push(userEntry(actor, 'create', tenant.id, null, user));
  } else {
    const before = userAuditSnapshot(user);
    const next: Partial<User> = {
      name: input.name,
      role: input.role,
      tenantId,
      disabled: input.disabled,
      ...(input.passwordHash !== undefined ? { passwordHash: input.passwordHash } : {}),
    };
    const differs = (Object.keys(next) as (keyof User)[]).some((field) => next[field] !== user?.[field]);
    if (differs) {
      // As a change through /api/users: a new password, role or tenant, or a disabling, ends the sessions.
      const endsSessions =
        (next.disabled && !user.disabled) ||
        (next.passwordHash !== undefined && next.passwordHash !== user.passwordHash) ||
        next.role !== user.role ||
        next.tenantId !== user.tenantId;
      Object.assign(user, next);
      user = await manager.save(user);
      if (endsSessions) await revokeSessionsOfUser(manager, user.id);
      audit.push(userEntry(actor, 'update', tenant.id, before, user));
    }
  }
  return {
    tenantId: tenant.id,
    userId: user.id,
    email: user.email,
    username: user.username,
    tenantName: tenant.name,
    created,
    changed: audit.length > 0,
    audit,
  };
}

/**
 * Disables, in `manager`'s transaction, the account an earlier import made of a source user who is
 * gone from the source (deleted there): the user can no longer sign in and the tenant's keys stop
 * working. Nothing is deleted. Returns what to audit (nothing when both were disabled already).
 */
export async function disableImportedAccount(
  manager: EntityManager,
  actor: Actor | null,
  ids: { tenantId: string | null; userId: string | null },
): Promise<AuditEntry[]> {
  const audit: AuditEntry[] = [];
  const tenant = ids.tenantId ? await manager.findOneBy(Tenant, { id: ids.tenantId }) : null;
  if (tenant && tenant.status !== 'disabled') {
    const before = TenantView.fields(tenant);
    tenant.status = 'disabled';
    const saved = await manager.save(tenant);
    await revokeSessionsOfTenant(manager, saved.id);
    audit.push(tenantEntry(actor, 'update', before, saved));
  }
  const user = ids.userId ? await manager.findOneBy(User, { id: ids.userId }) : null;
  if (user && !user.disabled) {
    const before = userAuditSnapshot(user);
    user.disabled = true;
    const saved = await manager.save(user);
    await revokeSessionsOfUser(manager, saved.id);
    audit.push(userEntry(actor, 'update', tenant?.id ?? saved.tenantId, before, saved));
  }
  return audit;
}

async function freeEmail(
  manager: EntityManager,
  wanted: string | null,
  fallback: string,
  userId: string | null,
): Promise<string> {
  const email = wanted && canonicalEmail(wanted);
  // NewAPI checks little: an address that is none once normalised (a full-width @) is not kept.
  if (!email || !isEmail(email)) return fallback;
  const taken = await manager.existsBy(User, { email, ...(userId ? { id: Not(userId) } : {}) });
  return taken ? fallback : email;
}

async function freeUsername(
  manager: EntityManager,
  wanted: string,
  userId: string | null,
): Promise<string | null> {
  const taken = await manager.existsBy(User, { username: wanted, ...(userId ? { id: Not(userId) } : {}) });
  return taken ? null : wanted;
}

function tenantEntry(
  actor: Actor | null,
  action: 'create' | 'update',
  before: unknown,
  tenant: Tenant,
): AuditEntry {
  return {
    actor,
    tenantId: tenant.id,
    action,
    entityType: 'tenant',
    entityId: tenant.id,
    before,
    after: TenantView.fields(tenant),
  };
}

function userEntry(
  actor: Actor | null,
  action: 'create' | 'update',
  tenantId: string | null,
  before: unknown,
  user: User,
): AuditEntry {
  return {
    actor,
    tenantId,
    action,
    entityType: 'user',
    entityId: user.id,
    before,
    after: userAuditSnapshot(user),
  };
}
