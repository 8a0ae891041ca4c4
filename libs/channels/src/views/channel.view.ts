import { ApiProperty } from '@nestjs/swagger';
import { PageOf } from '@gateway/common/http';
import {
  CHANNEL_STATUSES,
  CHANNEL_TYPES,
  Channel,
  ChannelStatus,
  ChannelType,
} from '../entities/channel.entity';
import { KEY_HEALTH, KeyHealth } from '../entities/channel-key.entity';
import { effectiveDayResetZone } from '../day-reset-zone';

export class KeyStatusCounts {
  @ApiProperty() enabled!: number;
  @ApiProperty() disabled!: number;
  @ApiProperty() auto_disabled!: number;
}

export class KeyHealthCounts {
  @ApiProperty() unknown!: number;
  @ApiProperty() healthy!: number;
  @ApiProperty() rate_limited!: number;
  @ApiProperty() invalid!: number;
  @ApiProperty() error!: number;
}

export interface KeyCounts {
  byStatus: Record<ChannelStatus, number>;
  byHealth: Record<KeyHealth, number>;
}

export function emptyKeyCounts(): KeyCounts {
  return {
    byStatus: Object.fromEntries(CHANNEL_STATUSES.map((s) => [s, 0])) as Record<ChannelStatus, number>,
    byHealth: Object.fromEntries(KEY_HEALTH.map((h) => [h, 0])) as Record<KeyHealth, number>,
  };
}

/** What the API shows of a channel, with counts of its keys (never the keys). */
export class ChannelView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: CHANNEL_TYPES }) type!: ChannelType;
  @ApiProperty() baseUrl!: string;
  @ApiProperty({ type: [String] }) models!: string[];
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } }) modelMapping!: Record<
    string,
    string
  >;
  @ApiProperty({ description: 'higher is tried first' }) priority!: number;
  @ApiProperty() weight!: number;
  @ApiProperty({ type: [String] }) groups!: string[];
  @ApiProperty({ enum: CHANNEL_STATUSES }) status!: ChannelStatus;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'why the probes auto-disabled the channel (status auto_disabled); null otherwise',
  })
  disabledReason!: string | null;
  @ApiProperty() timeoutMs!: number;
  @ApiProperty() probeIntervalS!: number;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'the time zone set for the keys’ daily caps; null: the provider’s (effectiveDayResetZone)',
  })
  dayResetZone!: string | null;
  @ApiProperty({
    example: 'America/Los_Angeles',
    description: 'the IANA time zone whose midnight resets the keys’ daily caps (rpd, tpd), default applied',
  })
  effectiveDayResetZone!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) settings!: Record<string, unknown>;
  @ApiProperty() keyCount!: number;
  @ApiProperty({ type: KeyStatusCounts }) keysByStatus!: KeyStatusCounts;
  @ApiProperty({ type: KeyHealthCounts }) keysByHealth!: KeyHealthCounts;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;

  static of(channel: Channel, counts: KeyCounts = emptyKeyCounts()): ChannelView {
    return {
      id: channel.id,
      name: channel.name,
      type: channel.type,
      baseUrl: channel.baseUrl,
      models: channel.models,
      modelMapping: channel.modelMapping,
      priority: channel.priority,
      weight: channel.weight,
      groups: channel.groups,
      status: channel.status,
      disabledReason: channel.disabledReason ?? null,
      timeoutMs: channel.timeoutMs,
      probeIntervalS: channel.probeIntervalS,
      dayResetZone: channel.dayResetZone ?? null,
      effectiveDayResetZone: effectiveDayResetZone({
        type: channel.type,
        dayResetZone: channel.dayResetZone ?? null,
      }),
      settings: channel.settings,
      keyCount: Object.values(counts.byStatus).reduce((sum, n) => sum + n, 0),
      keysByStatus: { ...counts.byStatus },
      keysByHealth: { ...counts.byHealth },
      createdAt: channel.createdAt.toISOString(),
      updatedAt: channel.updatedAt.toISOString(),
    };
  }
}

export class ChannelListView extends PageOf(ChannelView) {}
