import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { QueueName } from '@gateway/redis';
import { AccessGuard } from './auth/access.guard';
import { AuthController } from './auth/auth.controller';
import { AuthService } from './auth/auth.service';
import { FirstAdminService } from './auth/first-admin.service';
import { PasswordHasher } from './auth/password-hasher';
import { Session } from './entities/session.entity';
import { Tenant } from './entities/tenant.entity';
import { User } from './entities/user.entity';
import { IdentityProcessor, IdentitySchedules } from './jobs/identity.processor';
import { PruneExpiredSessionsJob } from './jobs/prune-expired-sessions.job';

export const IDENTITY_ENTITIES = [Tenant, User, Session];

/** The api side: login, sessions, the global access guard, the first super admin. */
@Module({
  imports: [TypeOrmModule.forFeature(IDENTITY_ENTITIES)],
  controllers: [AuthController],
  providers: [PasswordHasher, AuthService, FirstAdminService, { provide: APP_GUARD, useClass: AccessGuard }],
  exports: [AuthService],
})
export class IdentityModule {}

/** The worker side: the identity domain's jobs. */
@Module({
  imports: [
    TypeOrmModule.forFeature(IDENTITY_ENTITIES),
    BullModule.registerQueue({ name: QueueName.Identity }),
  ],
  providers: [PruneExpiredSessionsJob, IdentityProcessor, IdentitySchedules],
})
export class IdentityWorkerModule {}
