export { CHANNELS_ENTITIES, ChannelsModule, ChannelsWorkerModule } from './channels.module';
export { Channel, CHANNEL_STATUSES, CHANNEL_TYPES } from './entities/channel.entity';
export type { ChannelStatus, ChannelType } from './entities/channel.entity';
export { ChannelKey, KEY_HEALTH } from './entities/channel-key.entity';
export type { KeyHealth } from './entities/channel-key.entity';
export { ChannelKeyProbe, PROBE_TRIGGERS } from './entities/channel-key-probe.entity';
export type { ProbeTrigger } from './entities/channel-key-probe.entity';

// Services for the relay, the worker's probes and the models catalog.
export { ChannelsService } from './channels.service';
export type { CatalogChannel, RoutingChannel, RoutingKey } from './channels.service';
export { CHANNELS_TOPIC, MODEL_CHAINS_TOPIC } from './channels-topic';
export { ModelChain } from './entities/model-chain.entity';
export { GroupRouting } from './entities/group-routing.entity';
export { ModelChainsService } from './chains/model-chains.service';
export type { RoutingChain, RoutingConfig } from './chains/model-chains.service';
export { AUTO_MODEL } from './dto/chain-validators';
export type { ModelLimits } from './entities/channel-key.entity';
export { ChannelKeysService } from './channel-keys.service';
export { ChannelTestService } from './channel-test.service';
export { ChannelsError, ChannelsErrorCode } from './channels.errors';
export { CHANNEL_ADMIN_ROLES, ChannelAdmin } from './channels-permissions';
export { MODEL_NAME_PATTERN, GROUP_PATTERN } from './dto/channel-validators';

// Key handling.
export { KeyCipher, channelKeyAad } from './key-crypto/key-cipher';
export type { SealedKey } from './key-crypto/key-cipher';
// The keyring lives in libs/common (settings seal the SMTP password with it too); re-exported here.
export { keyringFromEnv, createKeyring } from '@gateway/common';
export type { Keyring } from '@gateway/common';
export { maskKey, maskedKeyOf, KNOWN_KEY_PREFIXES } from './keys/key-mask';
export {
  keyStatsRedisKey,
  readKeyStats,
  readKeyCooldowns,
  readModelCooldowns,
  clearKeyCooldown,
  clearModelCooldown,
  KEY_STATS_FIELDS,
} from './keys/key-stats';
export type { KeyStats, KeyCooldown, ModelCooldown } from './keys/key-stats';

// Health probes (the worker's side).
export { KeyHealthService } from './health/key-health.service';
export { ProbeKeyJob } from './health/probe-key.job';
export type { ProbeKeyData, ProbeKeyOutcome } from './health/probe-key.job';
export {
  ProbeSchedules,
  probeSchedulerId,
  probeOffset,
  PROBE_JOB,
  SWEEP_JOB,
  PRUNE_JOB,
  SYNC_JOB,
} from './health/probe-schedules';
export { SweepCoolingKeysJob, earlyProbeJobId, earlyModelProbeJobId } from './health/sweep-cooling-keys.job';
export { PruneProbeHistoryJob } from './health/prune-probe-history.job';
export { ChannelsProcessor } from './health/channels.processor';
export { judgeProbe, judgeChannel } from './health/probe-verdict';

// Upstream probing (masking and the reading of upstream errors are the providers').
export type { ProbeHealth } from './probe/probe-classification';
export { buildProbeRequest, DEFAULT_AZURE_API_VERSION, ANTHROPIC_VERSION } from './probe/probe-request';
export type { ProbeTarget, UpstreamRequest } from './probe/probe-request';
export { probeUpstream } from './probe/probe-upstream';
export type { ProbeResult } from './probe/probe-upstream';
export { PROBE_TIMEOUT_CAP_MS } from './probe/send-upstream-request';
export { ChannelView } from './views/channel.view';
export { ChannelKeyView } from './views/channel-key.view';
export { ChannelTestResultView } from './views/channel-test-result.view';

// For the NewAPI / one-api importer: channels are created through ChannelsService like any other.
export { CreateChannelDto } from './dto/create-channel.dto';
export { UpdateChannelDto } from './dto/update-channel.dto';
export { CreateChannelKeysDto, MAX_KEYS_PER_REQUEST } from './dto/create-channel-keys.dto';
export { isProviderKey } from './keys/provider-key-format';
