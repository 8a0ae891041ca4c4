import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccessGuard } from './auth/access.guard';
import { AuthController } from './auth/auth.controller';
import { AuthService } from './auth/auth.service';
import { FirstAdminService } from './auth/first-admin.service';
import { LoginRateLimiter } from './auth/login-rate-limiter';
import { PasswordHasher } from './auth/password-hasher';
import { RegistrationRateLimiter } from './auth/registration-rate-limiter';
import { RegistrationService } from './auth/registration.service';
import { IDENTITY_ENTITIES } from './identity.entities';
import { TenantsController } from './tenants/tenants.controller';
import { TenantsService } from './tenants/tenants.service';
import { UsersController } from './users/users.controller';
import { UsersService } from './users/users.service';

/**
 * The api side: login, registration, sessions, the global access guard, the first super admin,
 * tenants and users. Audit rows go through AuditRecorder, which the (global) AuditModule provides;
 * tenant balances through TenantBalances, which billing provides (globally too).
 */
@Module({
  imports: [TypeOrmModule.forFeature(IDENTITY_ENTITIES)],
  controllers: [AuthController, TenantsController, UsersController],
  providers: [
    PasswordHasher,
    LoginRateLimiter,
    AuthService,
    RegistrationService,
    RegistrationRateLimiter,
    FirstAdminService,
    TenantsService,
    UsersService,
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
  exports: [AuthService, TenantsService, UsersService],
})
export class IdentityModule {}
