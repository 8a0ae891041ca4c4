import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, MaxLength, Max, Min } from 'class-validator';
import { IsModelLimits } from './model-limits.validator';
import { WRITABLE_CHANNEL_STATUSES, WritableStatus } from './create-channel.dto';
import { PriorityField, WeightField } from './routing-field.decorators';

const INT32_MAX = 2_147_483_647;

/** Fields of a key other than the secret itself (shared by single and bulk creation, and PATCH). */
export class ChannelKeyFieldsDto {
  @ApiPropertyOptional({ maxLength: 100, default: '' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  label?: string;

  @PriorityField()
  priority?: number;

  @WeightField()
  weight?: number;

  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    minimum: 1,
    description: 'requests per minute; null = no limit',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(INT32_MAX)
  rpm?: number | null;

  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    minimum: 1,
    description: 'tokens per minute; null = no limit',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(INT32_MAX)
  tpm?: number | null;

  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    minimum: 1,
    description: 'requests per day; null = no limit',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(INT32_MAX)
  rpd?: number | null;

  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    minimum: 1,
    description: 'tokens per day; null = no limit',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  tpd?: number | null;

  @ApiPropertyOptional({ enum: WRITABLE_CHANNEL_STATUSES, default: 'enabled' })
  @IsOptional()
  @IsIn(WRITABLE_CHANNEL_STATUSES, { message: 'status must be enabled or disabled' })
  status?: WritableStatus;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: {
      type: 'object',
      properties: {
        rpm: { type: 'integer', minimum: 1 },
        tpm: { type: 'integer', minimum: 1 },
        rpd: { type: 'integer', minimum: 1 },
        tpd: { type: 'integer', minimum: 1 },
      },
    },
    example: { 'llama-3.3-70b-versatile': { rpm: 30, rpd: 1000, tpm: 12000, tpd: 100000 } },
    description: 'caps per upstream model, beside the key’s own; replaces the whole map ({} removes them)',
  })
  @IsOptional()
  @IsModelLimits()
  modelLimits?: Record<string, { rpm?: number; tpm?: number; rpd?: number; tpd?: number }>;
}
