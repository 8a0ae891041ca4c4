import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CHANNEL_TYPES, ChannelType } from '../entities/channel.entity';

const LIMITS_SCHEMA = {
  type: 'object',
  properties: {
    rpm: { type: 'integer' },
    tpm: { type: 'integer' },
    rpd: { type: 'integer' },
    tpd: { type: 'integer' },
  },
} as const;

type Limits = { rpm?: number; tpm?: number; rpd?: number; tpd?: number };

export class FreeTierCapsView {
  @ApiProperty({ description: 'when the figures were read from the source (YYYY-MM-DD)' }) takenOn!: string;
  @ApiProperty() source!: string;
  @ApiPropertyOptional({ ...LIMITS_SCHEMA, description: 'caps on the whole key, every model together' })
  keyLimits?: Limits;
  @ApiProperty({
    type: 'object',
    additionalProperties: LIMITS_SCHEMA,
    description: 'caps per model on one key (a key’s modelLimits)',
  })
  modelLimits!: Record<string, Limits>;
  @ApiProperty({
    example: 'America/Los_Angeles',
    description:
      'the IANA time zone whose midnight resets the daily caps (the channel’s dayResetZone default)',
  })
  dayResetZone!: string;
}

export class ChannelPresetView {
  @ApiProperty() id!: string;
  @ApiProperty() label!: string;
  @ApiProperty({ enum: CHANNEL_TYPES }) type!: ChannelType;
  @ApiProperty() baseUrl!: string;
  @ApiPropertyOptional() note?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) settings?: Record<string, unknown>;
  @ApiPropertyOptional({ type: FreeTierCapsView, description: 'the provider’s published free-tier caps' })
  freeTier?: FreeTierCapsView;
}
