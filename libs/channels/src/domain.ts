// Channels without their HTTP face (`@gateway/channels/domain`): what the worker and code that runs
// in it may import. Nothing reachable from here loads a controller, a DTO or a view (docs/design.md,
// "Layers"); index.ts adds /api/channels and the services behind it.
export { CHANNELS_ENTITIES } from './channels.entities';
export { ChannelsWorkerModule } from './channels-worker.module';
export { Channel, CHANNEL_STATUSES, CHANNEL_TYPES } from './entities/channel.entity';
export type { ChannelStatus, ChannelType } from './entities/channel.entity';
export { ChannelKey, KEY_HEALTH } from './entities/channel-key.entity';
export type { KeyHealth, ModelLimits } from './entities/channel-key.entity';
export { ChannelKeyProbe, PROBE_TRIGGERS } from './entities/channel-key-probe.entity';
export type { ProbeTrigger } from './entities/channel-key-probe.entity';
export { ModelChain } from './entities/model-chain.entity';
export { GroupRouting } from './entities/group-routing.entity';
export { CHANNELS_TOPIC, MODEL_CHAINS_TOPIC } from './channels-topic';
export { servedNames, upstreamModelFor } from './model-mapping';
export type { ModelServing } from './model-mapping';
export { ChannelsError, ChannelsErrorCode } from './channels.errors';

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
