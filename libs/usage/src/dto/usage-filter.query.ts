import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';

/** `success`, `error`, or one HTTP status. */
export const USAGE_STATUS_FILTER = /^(success|error|[1-5]\d\d)$/;

/** The filters every /api/usage read takes. */
export class UsageFilterQuery {
  @ApiPropertyOptional({ format: 'date-time', description: 'started at or after (inclusive)' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'from must be an ISO 8601 date or date-time' })
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'started before (exclusive)' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'to must be an ISO 8601 date or date-time' })
  to?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'super admin: one tenant; others: their own only' })
  @IsOptional()
  @IsUUID('all', { message: 'tenantId must be a UUID' })
  tenantId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'tokenId must be a UUID' })
  tokenId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'channelId must be a UUID' })
  channelId?: string;

  @ApiPropertyOptional({ description: 'the model the client asked for (exact)' })
  @IsOptional()
  @IsString({ message: 'model must be a string' })
  @MaxLength(200, { message: 'model must be at most 200 characters' })
  model?: string;

  @ApiPropertyOptional({
    example: 'error',
    description: '`success` (status < 400, no error), `error` (the rest), or one HTTP status such as 429',
  })
  @IsOptional()
  @Matches(USAGE_STATUS_FILTER, { message: 'status must be success, error or an HTTP status (100-599)' })
  status?: string;
}
