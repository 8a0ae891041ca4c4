import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditWorkerModule } from '@gateway/audit/domain';
import { QueueName } from '@gateway/redis';
import { SettingsWorkerModule } from '@gateway/settings/domain';
import { CHANNELS_ENTITIES } from './channels.entities';
import { ChannelsProcessor } from './health/channels.processor';
import { KeyHealthService } from './health/key-health.service';
import { ProbeKeyJob } from './health/probe-key.job';
import { ProbeSchedules } from './health/probe-schedules';
import { PruneProbeHistoryJob } from './health/prune-probe-history.job';
import { SweepCoolingKeysJob } from './health/sweep-cooling-keys.job';
import { keyCipherProvider } from './key-crypto/key-cipher.provider';

/**
 * The worker side: the health probes (one repeatable job per key, kept in step with the channels),
 * early probes of guessed cooldowns, and pruning of the probe history.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature(CHANNELS_ENTITIES),
    AuditWorkerModule,
    SettingsWorkerModule,
    BullModule.registerQueue({ name: QueueName.Channels }),
  ],
  providers: [
    keyCipherProvider,
    KeyHealthService,
    ProbeKeyJob,
    SweepCoolingKeysJob,
    PruneProbeHistoryJob,
    ProbeSchedules,
    ChannelsProcessor,
  ],
  exports: [ProbeSchedules, ProbeKeyJob, SweepCoolingKeysJob, PruneProbeHistoryJob],
})
export class ChannelsWorkerModule {}
