import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { QueueName } from '@gateway/redis';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '@gateway/audit';
import { SettingsWorkerModule } from '@gateway/settings';
import { GroupRoutingController } from './chains/group-routing.controller';
import { ModelChainsController } from './chains/model-chains.controller';
import { ModelChainsService } from './chains/model-chains.service';
import { ChannelKeysController } from './channel-keys.controller';
import { ChannelKeysService } from './channel-keys.service';
import { ChannelTestService } from './channel-test.service';
import { ChannelsController } from './channels.controller';
import { ChannelsService } from './channels.service';
import { ChannelKey } from './entities/channel-key.entity';
import { ChannelKeyProbe } from './entities/channel-key-probe.entity';
import { Channel } from './entities/channel.entity';
import { GroupRouting } from './entities/group-routing.entity';
import { ModelChain } from './entities/model-chain.entity';
import { ChannelsProcessor } from './health/channels.processor';
import { KeyHealthService } from './health/key-health.service';
import { ProbeKeyJob } from './health/probe-key.job';
import { ProbeSchedules } from './health/probe-schedules';
import { PruneProbeHistoryJob } from './health/prune-probe-history.job';
import { SweepCoolingKeysJob } from './health/sweep-cooling-keys.job';
import { KeyCipher } from './key-crypto/key-cipher';
import { keyCipherProvider } from './key-crypto/key-cipher.provider';

export const CHANNELS_ENTITIES = [Channel, ChannelKey, ChannelKeyProbe, ModelChain, GroupRouting];

/** Channels, their encrypted keys and the channel test. Needs APP_CONFIG and REDIS (global modules). */
@Module({
  imports: [TypeOrmModule.forFeature(CHANNELS_ENTITIES), AuditModule],
  controllers: [ChannelsController, ChannelKeysController, ModelChainsController, GroupRoutingController],
  providers: [
    keyCipherProvider,
    ChannelKeysService,
    ChannelsService,
    ChannelTestService,
    KeyHealthService,
    ModelChainsService,
  ],
  exports: [
    ChannelsService,
    ChannelKeysService,
    ChannelTestService,
    KeyCipher,
    ModelChainsService,
    KeyHealthService,
  ],
})
export class ChannelsModule {}

/**
 * The worker side: the health probes (one repeatable job per key, kept in step with the channels),
 * early probes of guessed cooldowns, and pruning of the probe history.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature(CHANNELS_ENTITIES),
    AuditModule,
    SettingsWorkerModule,
    BullModule.registerQueue({ name: QueueName.Channels }),
  ],
  providers: [
    keyCipherProvider,
    ChannelKeysService,
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
