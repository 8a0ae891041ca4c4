import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { QueueName } from '@gateway/redis';
import { IDENTITY_ENTITIES } from './identity.entities';
import { IdentityProcessor, IdentitySchedules } from './jobs/identity.processor';
import { PruneExpiredSessionsJob } from './jobs/prune-expired-sessions.job';

/** The worker side: the identity domain's jobs. */
@Module({
  imports: [
    TypeOrmModule.forFeature(IDENTITY_ENTITIES),
    BullModule.registerQueue({ name: QueueName.Identity }),
  ],
  providers: [PruneExpiredSessionsJob, IdentityProcessor, IdentitySchedules],
})
export class IdentityWorkerModule {}
