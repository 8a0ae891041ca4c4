import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { PriorityField, WeightField } from './routing-field.decorators';
import { CHANNEL_TYPES, ChannelType } from '../entities/channel.entity';
import { ChannelSettingsDto } from './channel-settings.dto';
import {
  GROUP_PATTERN,
  IsBaseUrl,
  IsModelMapping,
  IsTimeZone,
  MODEL_NAME_PATTERN,
} from './channel-validators';

/** Statuses an operator may set; `auto_disabled` belongs to the health probes. */
export const WRITABLE_CHANNEL_STATUSES = ['enabled', 'disabled'] as const;
export type WritableStatus = (typeof WRITABLE_CHANNEL_STATUSES)[number];

export class CreateChannelDto {
  @ApiProperty({ minLength: 1, maxLength: 100, example: 'openai-main' })
  @IsString()
  @Length(1, 100)
  name!: string;

  @ApiProperty({ enum: CHANNEL_TYPES })
  @IsIn(CHANNEL_TYPES, { message: `type must be one of ${CHANNEL_TYPES.join(', ')}` })
  type!: ChannelType;

  @ApiProperty({ example: 'https://api.openai.com/v1', description: 'http(s); a trailing slash is removed' })
  @IsBaseUrl()
  baseUrl!: string;

  @ApiProperty({ type: [String], example: ['gpt-4o', 'gpt-4o-mini'], description: 'aliases included' })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(1000)
  @ArrayUnique({ message: 'models must not contain duplicates' })
  @IsString({ each: true })
  @Matches(MODEL_NAME_PATTERN, {
    each: true,
    message: 'each model must be 1-200 characters without whitespace',
  })
  models!: string[];

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { 'gpt-4o': 'gpt-4o-2024-11-20' },
    description: 'client-facing alias (listed in models) → upstream model name',
  })
  @IsOptional()
  @IsModelMapping()
  modelMapping?: Record<string, string>;

  @PriorityField()
  priority?: number;

  @WeightField()
  weight?: number;

  @ApiPropertyOptional({ type: [String], default: ['default'] })
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(100)
  @ArrayUnique({ message: 'groups must not contain duplicates' })
  @IsString({ each: true })
  @Matches(GROUP_PATTERN, { each: true, message: 'each group must match ^[a-z0-9_-]{1,64}$' })
  groups?: string[];

  @ApiPropertyOptional({ enum: WRITABLE_CHANNEL_STATUSES, default: 'enabled' })
  @IsOptional()
  @IsIn(WRITABLE_CHANNEL_STATUSES, { message: 'status must be enabled or disabled' })
  status?: WritableStatus;

  @ApiPropertyOptional({ minimum: 1000, maximum: 600_000, default: 60_000 })
  @IsOptional()
  @IsInt()
  @Min(1000)
  @Max(600_000)
  timeoutMs?: number;

  @ApiPropertyOptional({ minimum: 10, maximum: 86_400, default: 300 })
  @IsOptional()
  @IsInt()
  @Min(10)
  @Max(86_400)
  probeIntervalS?: number;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: 'America/Los_Angeles',
    description:
      'IANA time zone whose midnight resets the keys’ daily caps (rpd, tpd, modelLimits’ too); null or left out: the provider’s (America/Los_Angeles for gemini, UTC otherwise)',
  })
  @IsOptional()
  @IsTimeZone()
  dayResetZone?: string | null;

  @ApiPropertyOptional({ type: ChannelSettingsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ChannelSettingsDto)
  settings?: ChannelSettingsDto;
}
