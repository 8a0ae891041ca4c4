import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ChannelKey } from './entities/channel-key.entity';
import { Channel } from './entities/channel.entity';

export const CHANNELS_ENTITIES = [Channel, ChannelKey];

@Module({
  imports: [TypeOrmModule.forFeature(CHANNELS_ENTITIES)],
})
export class ChannelsModule {}
