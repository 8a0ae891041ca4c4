import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { pageWindow } from '@gateway/common/http';
import { AuditAction, AuditRecorder } from '../audit-recorder';
import { Actor, canSeeTenant, readScope, writeTenant } from '../auth/actor';
import { PasswordHasher } from '../auth/password-hasher';
import { revokeSessionsOfUser } from '../auth/revoke-sessions';
import { Tenant } from '../entities/tenant.entity';
import { User } from '../entities/user.entity';
import { canManageRole, canMoveUsersBetweenTenants } from '../identity-permissions';
import { IdentityError, IdentityErrorCode } from '../identity.errors';
import { Role } from '../roles';
import { CreateUserDto } from './dto/create-user.dto';
import { ListUsersQuery } from './dto/list-users.query';
import { UpdateUserDto } from './dto/update-user.dto';
import { asEmailTaken, emailTakenError } from './email-taken';
import { assertMembershipKeepsItsHead, lockMembership } from './membership-invariants';
import { userAuditSnapshot } from './user-audit-snapshot';
import { TokenRevocationReason, UserTokens } from './user-tokens';
import { canonicalEmail } from '../dto/account-fields';

@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditRecorder,
    private readonly tokens: UserTokens,
  ) {}

  async list(actor: Actor, query: ListUsersQuery): Promise<{ items: User[]; total: number }> {
    const scope = readScope(actor, query.tenantId);
    const [items, total] = await this.users.findAndCount({
      where: {
        ...(scope.tenantId ? { tenantId: scope.tenantId } : {}),
        ...(query.role ? { role: query.role } : {}),
      },
      order: { createdAt: 'ASC', id: 'ASC' },
      ...pageWindow(query),
    });
    return { items, total };
  }

  async get(actor: Actor, id: string): Promise<User> {
    const user = await this.users.findOneBy({ id });
    if (!user || !canSeeTenant(actor, user.tenantId)) throw new IdentityError(IdentityErrorCode.NotFound);
    return user;
  }

  async create(actor: Actor, dto: CreateUserDto): Promise<User> {
    if (!canManageRole(actor.role, dto.role)) {
      throw new IdentityError(
        IdentityErrorCode.Forbidden,
        `your role may not create a user with role ${dto.role}`,
      );
    }
    const tenantId = await this.tenantForNewUser(actor, dto.role, dto.tenantId);
    const email = canonicalEmail(dto.email);
    // Checked first for a clean answer; the unique index still decides a race.
    if (await this.users.existsBy({ email })) throw emailTakenError();
    const passwordHash = await this.hasher.hash(dto.password);
    try {
      return await this.dataSource.transaction(async (manager) => {
        const user = await manager.save(
          manager.create(User, {
            email,
            name: dto.name?.trim() ?? null,
            tenantId,
            role: dto.role,
            passwordHash,
            disabled: false,
          }),
        );
        await this.recordChange(manager, actor, 'create', user.id, null, user);
        return user;
      });
    } catch (error) {
      throw asEmailTaken(error);
    }
  }

  async update(actor: Actor, id: string, dto: UpdateUserDto): Promise<User> {
    // Hashing is slow; do it before taking any lock.
    const passwordHash = dto.password === undefined ? undefined : await this.hasher.hash(dto.password);
    let announce: (() => Promise<void>) | undefined;
    const updated = await this.dataSource.transaction(async (manager) => {
      const target = await this.lockedTarget(manager, actor, id);
      if (target.id === actor.userId && dto.disabled === true) {
        throw new IdentityError(IdentityErrorCode.SelfLockout);
      }
      const role = dto.role ?? target.role;
      if (role !== target.role && !canManageRole(actor.role, role)) {
        throw new IdentityError(
          IdentityErrorCode.Forbidden,
          `your role may not give a user the role ${role}`,
        );
      }
      const tenantId = await this.tenantAfterUpdate(manager, actor, target, role, dto.tenantId);
      const disabled = dto.disabled ?? target.disabled;
      await assertMembershipKeepsItsHead(manager, target, { role, tenantId, disabled });

      const before = { ...target };
      const name = dto.name === undefined ? target.name : (dto.name?.trim() ?? null);
      // Sending a field unchanged is not changing it: no write and no audit row (as for tenants and tokens).
      const unchanged =
        passwordHash === undefined &&
        role === target.role &&
        tenantId === target.tenantId &&
        disabled === target.disabled &&
        name === target.name;
      if (unchanged) return target;
      const endsSessions =
        (disabled && !target.disabled) ||
        passwordHash !== undefined ||
        role !== target.role ||
        tenantId !== target.tenantId;
      Object.assign(target, {
        role,
        tenantId,
        disabled,
        name,
        ...(passwordHash !== undefined ? { passwordHash } : {}),
      });
      const saved = await manager.save(target);
      if (endsSessions) await revokeSessionsOfUser(manager, saved.id);
      const reason = tokenRevocationReason(before, saved);
      if (reason) announce = await this.tokens.revokeHeldBy(manager, actor, saved.id, reason);
      await this.recordChange(manager, actor, 'update', saved.id, before, saved, passwordHash !== undefined);
      return saved;
    });
    await announce?.();
    return updated;
  }

  /**
   * For the tokens lib, inside its transaction: waits for any change to the user in flight (and holds
   * it off until that transaction ends), then refuses a user who may not hold a /v1 token in `tenantId`,
   * so a token cannot be issued to someone whose revocation is committing at the same moment.
   */
  async assertMayHoldTokens(manager: EntityManager, userId: string, tenantId: string): Promise<void> {
    const user = await manager.findOne(User, { where: { id: userId }, lock: { mode: 'pessimistic_read' } });
    if (!user || user.disabled || user.role === Role.Finance || user.tenantId !== tenantId) {
      throw new IdentityError(
        IdentityErrorCode.Forbidden,
        'this user may not hold /v1 tokens in this tenant',
      );
    }
  }

  async delete(actor: Actor, id: string): Promise<void> {
    const announce = await this.dataSource.transaction(async (manager) => {
      const target = await this.lockedTarget(manager, actor, id);
      if (target.id === actor.userId) throw new IdentityError(IdentityErrorCode.SelfLockout);
      await assertMembershipKeepsItsHead(manager, target, null);
      await manager.delete(User, { id: target.id });
      const revoked = await this.tokens.revokeHeldBy(manager, actor, target.id, 'owner_removed');
      await this.recordChange(manager, actor, 'delete', target.id, target, null);
      return revoked;
    });
    await announce();
  }

  /**
   * The user `actor` is about to change or delete, read again under its membership lock. Another
   * tenant's user (or a super admin, for a tenant role) is 404; one the actor sees but may not manage, 403.
   */
  private async lockedTarget(manager: EntityManager, actor: Actor, id: string): Promise<User> {
    const seen = await manager.findOneBy(User, { id });
    if (!seen || !canSeeTenant(actor, seen.tenantId)) throw new IdentityError(IdentityErrorCode.NotFound);
    if (!canManageRole(actor.role, seen.role)) {
      throw new IdentityError(
        IdentityErrorCode.Forbidden,
        `your role may not manage a user with role ${seen.role}`,
      );
    }
    await lockMembership(manager, seen.tenantId);
    const target = await manager.findOneBy(User, { id });
    if (!target) throw new IdentityError(IdentityErrorCode.NotFound);
    if (target.tenantId !== seen.tenantId || target.role !== seen.role) {
      throw new IdentityError(
        IdentityErrorCode.Conflict,
        'the user changed meanwhile; read it again and retry',
      );
    }
    return target;
  }

  private async tenantForNewUser(
    actor: Actor,
    role: Role,
    requested: string | null | undefined,
  ): Promise<string | null> {
    if (role === Role.SuperAdmin) {
      if (requested) throw new IdentityError(IdentityErrorCode.InvalidTenantForRole);
      return null;
    }
    const tenantId = writeTenant(actor, requested);
    await this.assertTenantExists(this.dataSource.manager, tenantId);
    return tenantId;
  }

  private async tenantAfterUpdate(
    manager: EntityManager,
    actor: Actor,
    target: User,
    role: Role,
    requested: string | null | undefined,
  ): Promise<string | null> {
    const moving = requested !== undefined && requested !== target.tenantId;
    // For anyone but a super admin another tenant is invisible: naming it finds nothing.
    if (moving && !canMoveUsersBetweenTenants(actor.role))
      throw new IdentityError(IdentityErrorCode.NotFound);
    if (role === Role.SuperAdmin) {
      // Promotion to super admin leaves the tenant unless the caller insists on keeping one.
      if (requested) throw new IdentityError(IdentityErrorCode.InvalidTenantForRole);
      return null;
    }
    const tenantId = requested === undefined ? target.tenantId : requested;
    if (tenantId === null)
      throw new IdentityError(IdentityErrorCode.TenantRequired, 'tenantId is required for a tenant role');
    if (tenantId !== target.tenantId) await this.assertTenantExists(manager, tenantId);
    return tenantId;
  }

  private async assertTenantExists(manager: EntityManager, tenantId: string): Promise<void> {
    if (!(await manager.exists(Tenant, { where: { id: tenantId } }))) {
      throw new IdentityError(IdentityErrorCode.NotFound, `tenantId: no tenant ${tenantId}`);
    }
  }

  /** One audit row per tenant the change touches (a move shows in both), secrets redacted by the recorder. */
  private async recordChange(
    manager: EntityManager,
    actor: Actor,
    action: AuditAction,
    entityId: string,
    before: User | null,
    after: User | null,
    passwordChanged = false,
  ): Promise<void> {
    const tenants = new Set([before?.tenantId, after?.tenantId].filter((t) => t !== undefined));
    for (const tenantId of tenants) {
      await this.audit.record(
        {
          actor,
          tenantId: tenantId ?? null,
          action,
          entityType: 'user',
          entityId,
          before: before && userAuditSnapshot(before),
          after: after && { ...userAuditSnapshot(after), ...(passwordChanged ? { passwordChanged } : {}) },
        },
        manager,
      );
    }
  }
}

/** Why a change leaves the user unfit to hold the /v1 tokens they have, or null when it does not. */
function tokenRevocationReason(before: User, after: User): TokenRevocationReason | null {
  if (after.disabled && !before.disabled) return 'owner_disabled';
  if (after.tenantId !== before.tenantId) return 'owner_moved';
  if (after.role === Role.Finance && before.role !== Role.Finance) return 'owner_role_finance';
  return null;
}
