import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
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
import { OptionalButNotNull } from '@gateway/common/http';
import {
  MAX_IP_ALLOWLIST,
  MAX_MODEL_NAME_LENGTH,
  MAX_RATE_LIMIT,
  MAX_TOKEN_MODELS,
  MAX_TOKEN_NAME_LENGTH,
} from './token-field-limits';
import { IsCidrList, IsFutureInstant, IsUsdQuota } from './token-field-validators';

/** A token's name validates alike on create (required) and update (optional, never null). */
export const IsTokenName = () =>
  applyDecorators(
    IsString(),
    MinLength(1),
    MaxLength(MAX_TOKEN_NAME_LENGTH),
    Matches(/\S/, { message: 'name must not be blank' }),
  );

/**
 * The limits a token's owner sets on create and may change on update; each is optional on both,
 * so create and PATCH validate them alike. An absent field is left alone (on create: the default).
 */
export class TokenFieldsDto {
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: '25.00',
    description: 'Spend cap in USD as a decimal string; null = unlimited (as is leaving it out on create).',
  })
  @IsOptional()
  @IsUsdQuota()
  quotaUsd?: string | null;

  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'ISO 8601, in the future; null = never expires (as does leaving it out on create).',
  })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'expiresAt must be an ISO 8601 date-time' })
  @IsFutureInstant()
  expiresAt?: string | null;

  @ApiPropertyOptional({
    type: [String],
    maxItems: MAX_TOKEN_MODELS,
    description: 'Models this token may call; empty = every model of the tenant.',
  })
  @OptionalButNotNull()
  @IsArray()
  @ArrayMaxSize(MAX_TOKEN_MODELS)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(MAX_MODEL_NAME_LENGTH, { each: true })
  models?: string[];

  @ApiPropertyOptional({
    type: [String],
    maxItems: MAX_IP_ALLOWLIST,
    example: ['10.0.0.0/8', '2001:db8::/32', '203.0.113.7'],
    description: 'CIDRs the token may be used from (a bare address = /32 or /128); empty = anywhere.',
  })
  @OptionalButNotNull()
  @IsArray()
  @ArrayMaxSize(MAX_IP_ALLOWLIST)
  @IsCidrList()
  ipAllowlist?: string[];

  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    minimum: 1,
    description: 'Requests per minute; null = no limit.',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_RATE_LIMIT)
  rpm?: number | null;

  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    minimum: 1,
    description: 'Tokens per minute; null = no limit.',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_RATE_LIMIT)
  tpm?: number | null;
}
