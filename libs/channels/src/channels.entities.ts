import { ChannelKey } from './entities/channel-key.entity';
import { ChannelKeyProbe } from './entities/channel-key-probe.entity';
import { Channel } from './entities/channel.entity';
import { GroupRouting } from './entities/group-routing.entity';
import { ModelChain } from './entities/model-chain.entity';

export const CHANNELS_ENTITIES = [Channel, ChannelKey, ChannelKeyProbe, ModelChain, GroupRouting];
