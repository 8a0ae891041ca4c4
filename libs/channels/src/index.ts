export * from './domain';
export { ChannelsModule } from './channels.module';

// Services for the relay and the models catalog.
export { ChannelsService } from './channels.service';
export type { CatalogChannel, RoutingChannel, RoutingKey } from './channels.service';
export { ModelChainsService } from './chains/model-chains.service';
export type { RoutingChain, RoutingConfig } from './chains/model-chains.service';
export { AUTO_MODEL } from './dto/chain-validators';
export { ChannelKeysService } from './channel-keys.service';
export type { PooledKey } from './channel-keys.service';
export { ChannelTestService } from './channel-test.service';
export { CHANNEL_ADMIN_ROLES, ChannelAdmin } from './channels-permissions';
export { MODEL_NAME_PATTERN, GROUP_PATTERN } from './dto/channel-validators';
export { ChannelView } from './views/channel.view';
export { ChannelKeyView } from './views/channel-key.view';
export { ChannelTestResultView } from './views/channel-test-result.view';

// For the NewAPI / one-api importer: channels are created through ChannelsService like any other.
export { CreateChannelDto } from './dto/create-channel.dto';
export { UpdateChannelDto } from './dto/update-channel.dto';
export { CreateChannelKeysDto, MAX_KEYS_PER_REQUEST } from './dto/create-channel-keys.dto';
export { isProviderKey } from './keys/provider-key-format';
