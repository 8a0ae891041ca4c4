import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '@gateway/audit';
import { GroupRoutingController } from './chains/group-routing.controller';
import { ModelChainsController } from './chains/model-chains.controller';
import { ModelChainsService } from './chains/model-chains.service';
import { ChannelKeysController } from './channel-keys.controller';
import { ChannelKeysService } from './channel-keys.service';
import { ChannelTestService } from './channel-test.service';
import { ChannelsController } from './channels.controller';
import { ChannelsService } from './channels.service';
import { CHANNELS_ENTITIES } from './channels.entities';
import { KeyHealthService } from './health/key-health.service';
import { KeyCipher } from './key-crypto/key-cipher';
import { keyCipherProvider } from './key-crypto/key-cipher.provider';

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
