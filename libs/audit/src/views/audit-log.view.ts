import { ApiProperty } from '@nestjs/swagger';
import { PageOf } from '@gateway/common/http';
import type { AuditAction, AuditLog } from '../entities/audit-log.entity';
import { AUDIT_ACTIONS } from '../dto/list-audit-logs.query';

/** One audit row as the API shows it; before/after were redacted when the row was written. */
export class AuditLogView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: AUDIT_ACTIONS }) action!: AuditAction;
  @ApiProperty() entityType!: string;
  @ApiProperty() entityId!: string;
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'null for platform-level things',
  })
  tenantId!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) actorUserId!: string | null;
  @ApiProperty({ type: String, nullable: true }) actorEmail!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true })
  before!: Record<string, unknown> | null;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true })
  after!: Record<string, unknown> | null;
  @ApiProperty({ type: String, nullable: true }) ip!: string | null;
  @ApiProperty({ type: String, nullable: true }) requestId!: string | null;
  @ApiProperty() createdAt!: string;

  static of(log: AuditLog): AuditLogView {
    return {
      id: log.id,
      action: log.action,
      entityType: log.entityType,
      entityId: log.entityId,
      tenantId: log.tenantId,
      actorUserId: log.actorUserId,
      actorEmail: log.actorEmail,
      before: log.before,
      after: log.after,
      ip: log.ip,
      requestId: log.requestId,
      createdAt: log.createdAt.toISOString(),
    };
  }
}

export class AuditLogPage extends PageOf(AuditLogView) {}
