import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { APP_CONFIG, AppConfig } from '@gateway/config';
import { Repository } from 'typeorm';
import { User } from '../entities/user.entity';
import { Role } from '../roles';
import { PasswordHasher } from './password-hasher';
import { canonicalEmail } from '../dto/account-fields';

/**
 * Creates the first super admin from ADMIN_EMAIL / ADMIN_PASSWORD when the platform has none.
 * There is no default password: without those variables nobody can log in until they are set.
 */
@Injectable()
export class FirstAdminService implements OnApplicationBootstrap {
  private readonly logger = new Logger('FirstAdmin');

  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly hasher: PasswordHasher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.ensureFirstAdmin();
  }

  /** Returns true when this call created the admin. Safe to run from several processes at once. */
  async ensureFirstAdmin(): Promise<boolean> {
    if (await this.users.exists({ where: { role: Role.SuperAdmin } })) return false;
    const { ADMIN_EMAIL: adminEmail, ADMIN_PASSWORD: password } = this.config;
    if (!adminEmail || !password) {
      this.logger.warn(
        'no super admin exists yet: set ADMIN_EMAIL and ADMIN_PASSWORD and restart to create one',
      );
      return false;
    }
    const email = canonicalEmail(adminEmail);
    const result = await this.users
      .createQueryBuilder()
      .insert()
      .values({
        email,
        passwordHash: await this.hasher.hash(password),
        role: Role.SuperAdmin,
        disabled: false,
      })
      .orIgnore()
      .execute();
    const created = (result.raw as unknown[]).length > 0;
    if (created) this.logger.log(`created the first super admin ${email}`);
    else if (!(await this.users.exists({ where: { role: Role.SuperAdmin } })))
      this.logger.warn(`${email} already exists and is not a super admin; no super admin was created`);
    return created;
  }
}
