// Self-service sign-up (when open: the dashboard's settings, else PUBLIC_REGISTRATION): a new tenant of one's own, with the newcomer as
// its owner, created together or not at all. A taken email gets the same answer after the same work
// (the password is hashed either way), so sign-up cannot be used to learn who has an account; the
// newcomer logs in next.
import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { APP_CONFIG, AppConfig } from '@gateway/config';
import { isUniqueViolation } from '@gateway/db';
import { DataSource, EntityManager } from 'typeorm';
import { AuditRecorder } from '../audit-recorder';
import { RegisterDto } from '../dto/register.dto';
import { Tenant } from '../entities/tenant.entity';
import { User } from '../entities/user.entity';
import { IdentityError, IdentityErrorCode } from '../identity.errors';
import { Role } from '../roles';
import { TenantsService } from '../tenants/tenants.service';
import { userAuditSnapshot } from '../users/user-audit-snapshot';
import type { Actor } from './actor';
import { ClientInfo } from './auth.service';
import { PasswordHasher } from './password-hasher';
import { RegistrationPolicy } from './registration-policy';
import { RegistrationRateLimiter } from './registration-rate-limiter';
import { canonicalEmail } from '../dto/account-fields';

@Injectable()
export class RegistrationService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly hasher: PasswordHasher,
    private readonly limiter: RegistrationRateLimiter,
    private readonly tenants: TenantsService,
    private readonly audit: AuditRecorder,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() private readonly policy?: RegistrationPolicy,
  ) {}

  /** Open when the runtime settings say so, or, without them, when PUBLIC_REGISTRATION does. */
  async isOpen(): Promise<boolean> {
    return this.policy ? this.policy.isOpen() : this.config.PUBLIC_REGISTRATION;
  }

  /** Creates the tenant and its owner unless the email is taken; the caller cannot tell which happened. */
  async register(dto: RegisterDto, client: ClientInfo & { requestId?: string }): Promise<void> {
    if (!(await this.isOpen())) throw new IdentityError(IdentityErrorCode.RegistrationClosed);
    await this.limiter.reserve(client.ip);
    const email = canonicalEmail(dto.email);
    // Hashed before the lookup, so a taken email costs the same time as a free one.
    const passwordHash = await this.hasher.hash(dto.password);
    // Checked first to skip a doomed transaction; the unique index still decides a race.
    if (await this.dataSource.getRepository(User).existsBy({ email })) return;
    try {
      await this.dataSource.transaction(async (manager) => {
        const base = dto.tenantName?.trim() || email.slice(0, email.lastIndexOf('@'));
        const tenant = await this.insertTenant(manager, base, email);
        const owner = await manager.save(
          manager.create(User, {
            email,
            name: dto.name?.trim() ?? null,
            tenantId: tenant.id,
            role: Role.Owner,
            passwordHash,
            disabled: false,
          }),
        );
        const actor: Actor = {
          userId: owner.id,
          email,
          role: Role.Owner,
          tenantId: tenant.id,
          ip: client.ip ?? null,
          requestId: client.requestId ?? null,
        };
        await this.tenants.recordCreate(actor, tenant, manager);
        await this.audit.record(
          {
            actor,
            tenantId: tenant.id,
            action: 'create',
            entityType: 'user',
            entityId: owner.id,
            after: userAuditSnapshot(owner),
          },
          manager,
        );
      });
    } catch (error) {
      if (!isUniqueViolation(error, 'users_email_key')) throw error;
    }
  }

  /**
   * Inserts a tenant named `base`, or `base-xxxxxx` when that is taken. ON CONFLICT DO NOTHING keeps
   * the transaction usable after a clash (a failed INSERT would abort it).
   */
  private async insertTenant(manager: EntityManager, base: string, billingEmail: string): Promise<Tenant> {
    for (let attempt = 0; attempt < 8; attempt++) {
      const name = attempt === 0 ? base : `${base}-${randomBytes(3).toString('hex')}`;
      const result = await manager
        .createQueryBuilder()
        .insert()
        .into(Tenant)
        .values({ name, group: 'default', timezone: 'UTC', billingEmail, status: 'active' })
        .orIgnore()
        .returning(['id'])
        .execute();
      const id = (result.raw as { id: string }[])[0]?.id;
      if (id) return manager.findOneByOrFail(Tenant, { id });
    }
    throw new IdentityError(IdentityErrorCode.Conflict, 'could not find a free tenant name; pass tenantName');
  }
}
