import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '@gateway/audit';
import { ChannelKeysController } from './channel-keys.controller';
import { ChannelKeysService } from './channel-keys.service';
import { ChannelTestService } from './channel-test.service';
import { ChannelsController } from './channels.controller';
import { ChannelsService } from './channels.service';
import { ChannelKey } from './entities/channel-key.entity';
import { Channel } from './entities/channel.entity';
import { KeyCipher } from './key-crypto/key-cipher';
import { keyCipherProvider } from './key-crypto/key-cipher.provider';

export const CHANNELS_ENTITIES = [Channel, ChannelKey];

/** Channels, their encrypted keys and the channel test. Needs APP_CONFIG and REDIS (global modules). */
@Module({
  imports: [TypeOrmModule.forFeature(CHANNELS_ENTITIES), AuditModule],
  controllers: [ChannelsController, ChannelKeysController],
  providers: [keyCipherProvider, ChannelKeysService, ChannelsService, ChannelTestService],
  exports: [ChannelsService, ChannelKeysService, ChannelTestService, KeyCipher],
})
export class ChannelsModule {}
