import { ApiProperty } from '@nestjs/swagger';
import { PageOf } from '@gateway/common/http';
import { CHANNEL_STATUSES, ChannelStatus } from '../entities/channel.entity';
import { ChannelKey, KEY_HEALTH, KeyHealth } from '../entities/channel-key.entity';
import { maskedKeyOf } from '../keys/key-mask';
import type { KeyStats } from '../keys/key-stats';

const NO_STATS: KeyStats = {
  cooldownUntil: null,
  cooldownReason: null,
  modelCooldowns: {},
  refusedUntil: null,
  last429At: null,
  totalRequests: 0,
  totalTokens: 0,
};

/** What the API shows of a provider key: a mask, never the key, its ciphertext or fingerprint. */
export class ChannelKeyView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) channelId!: string;
  @ApiProperty() label!: string;
  @ApiProperty({ example: 'sk-…abcd' }) maskedKey!: string;
  @ApiProperty({ description: 'master key version the key is encrypted under' }) keyVersion!: number;
  @ApiProperty() priority!: number;
  @ApiProperty() weight!: number;
  @ApiProperty({ type: Number, nullable: true }) rpm!: number | null;
  @ApiProperty({ type: Number, nullable: true }) tpm!: number | null;
  @ApiProperty({ type: Number, nullable: true }) rpd!: number | null;
  @ApiProperty({ type: Number, nullable: true }) tpd!: number | null;
  @ApiProperty({ enum: CHANNEL_STATUSES }) status!: ChannelStatus;
  @ApiProperty({ enum: KEY_HEALTH }) health!: KeyHealth;
  @ApiProperty({ type: String, nullable: true, description: 'when the last probe (or test) ran' })
  lastCheckedAt!: string | null;
  @ApiProperty({ type: Number, nullable: true, description: 'how long the last probe (or test) took, ms' })
  latencyMs!: number | null;
  @ApiProperty({ description: 'scheduled probes in a row that found the key invalid or erroring' })
  consecutiveFailures!: number;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'why the probes auto-disabled the key (status auto_disabled); null otherwise',
  })
  disabledReason!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'the relay skips the key until then' })
  cooldownUntil!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: '`rate_limited` (a 429) or `out_of_credit` (402, insufficient_quota) while cooling',
  })
  cooldownReason!: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string', format: 'date-time' },
    description: 'models cooling on this key only (a 429 for that model), until when',
  })
  modelCooldowns!: Record<string, string>;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'the upstream refused the key (401/403): no relay takes it until then (it is auto-disabled)',
  })
  refusedUntil!: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: {
      type: 'object',
      properties: {
        rpm: { type: 'integer' },
        tpm: { type: 'integer' },
        rpd: { type: 'integer' },
        tpd: { type: 'integer' },
      },
    },
    description: 'caps per upstream model',
  })
  modelLimits!: Record<string, { rpm?: number; tpm?: number; rpd?: number; tpd?: number }>;
  @ApiProperty({ type: String, nullable: true }) last429At!: string | null;
  @ApiProperty() totalRequests!: number;
  @ApiProperty() totalTokens!: number;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;

  static of(key: ChannelKey, stats: KeyStats = NO_STATS): ChannelKeyView {
    return {
      id: key.id,
      channelId: key.channelId,
      label: key.label,
      maskedKey: maskedKeyOf(key.keyHint),
      keyVersion: key.keyVersion,
      priority: key.priority,
      weight: key.weight,
      rpm: key.rpm,
      tpm: key.tpm,
      rpd: key.rpd,
      tpd: key.tpd === null ? null : Number(key.tpd),
      status: key.status,
      health: key.health,
      lastCheckedAt: key.lastCheckedAt?.toISOString() ?? null,
      latencyMs: key.lastLatencyMs,
      consecutiveFailures: key.consecutiveFailures,
      disabledReason: key.disabledReason,
      modelLimits: key.modelLimits ?? {},
      ...stats,
      createdAt: key.createdAt.toISOString(),
      updatedAt: key.updatedAt.toISOString(),
    };
  }
}

export class ChannelKeyListView extends PageOf(ChannelKeyView) {}
