import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { PageQuery } from '@gateway/common/http';
import type { AuditAction } from '../entities/audit-log.entity';

export const AUDIT_ACTIONS: readonly AuditAction[] = ['create', 'update', 'delete'];

export class ListAuditLogsQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'super admin: one tenant; an owner: their own only' })
  @IsOptional()
  @IsUUID(undefined, { message: 'tenantId must be a UUID' })
  tenantId?: string;

  @ApiPropertyOptional({ example: 'user', description: 'tenant, user, token, channel, ...' })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z][a-z0-9_-]{0,31}$/, { message: 'entityType must be a lower-case name such as user' })
  entityType?: string;

  @ApiPropertyOptional({ description: 'the changed thing' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  entityId?: string;

  @ApiPropertyOptional({ enum: AUDIT_ACTIONS })
  @IsOptional()
  @IsIn(AUDIT_ACTIONS, { message: `action must be one of ${AUDIT_ACTIONS.join(', ')}` })
  action?: AuditAction;

  @ApiPropertyOptional({ format: 'date-time', description: 'inclusive' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'from must be an ISO 8601 date or date-time' })
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'exclusive' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'to must be an ISO 8601 date or date-time' })
  to?: string;
}
