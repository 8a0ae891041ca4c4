import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { OptionalButNotNull } from '@gateway/common';
import type { TokenStatus } from '../entities/token.entity';
import {
  MAX_IP_ALLOWLIST,
  MAX_MODEL_NAME_LENGTH,
  MAX_RATE_LIMIT,
  MAX_TOKEN_MODELS,
  MAX_TOKEN_NAME_LENGTH,
  TOKEN_STATUSES,
} from './token-field-limits';
import { IsCidrList, IsFutureInstant, IsUsdQuota } from './token-field-validators';

/** Every field optional; an absent field is left alone, null clears the nullable ones. A token never changes tenant. */
export class UpdateTokenDto {
  @ApiPropertyOptional({ maxLength: MAX_TOKEN_NAME_LENGTH })
  @OptionalButNotNull()
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_TOKEN_NAME_LENGTH)
  @Matches(/\S/, { message: 'name must not be blank' })
  name?: string;

  @ApiPropertyOptional({ type: String, nullable: true, example: '25.00', description: 'null = unlimited' })
  @IsOptional()
  @IsUsdQuota()
  quotaUsd?: string | null;

  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'null = never expires',
  })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'expiresAt must be an ISO 8601 date-time' })
  @IsFutureInstant()
  expiresAt?: string | null;

  @ApiPropertyOptional({ type: [String], maxItems: MAX_TOKEN_MODELS })
  @OptionalButNotNull()
  @IsArray()
  @ArrayMaxSize(MAX_TOKEN_MODELS)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(MAX_MODEL_NAME_LENGTH, { each: true })
  models?: string[];

  @ApiPropertyOptional({ type: [String], maxItems: MAX_IP_ALLOWLIST })
  @OptionalButNotNull()
  @IsArray()
  @ArrayMaxSize(MAX_IP_ALLOWLIST)
  @IsCidrList()
  ipAllowlist?: string[];

  @ApiPropertyOptional({ type: Number, nullable: true, minimum: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_RATE_LIMIT)
  rpm?: number | null;

  @ApiPropertyOptional({ type: Number, nullable: true, minimum: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_RATE_LIMIT)
  tpm?: number | null;

  @ApiPropertyOptional({ enum: TOKEN_STATUSES })
  @OptionalButNotNull()
  @IsIn(TOKEN_STATUSES)
  status?: TokenStatus;
}
