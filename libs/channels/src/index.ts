export { CHANNELS_ENTITIES, ChannelsModule } from './channels.module';
export { Channel, CHANNEL_STATUSES, CHANNEL_TYPES } from './entities/channel.entity';
export type { ChannelStatus, ChannelType } from './entities/channel.entity';
export { ChannelKey, KEY_HEALTH } from './entities/channel-key.entity';
export type { KeyHealth } from './entities/channel-key.entity';
