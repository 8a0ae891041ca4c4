export { AUDIT_ENTITIES, AuditModule } from './audit.module';
export { AuditService } from './audit.service';
export type { AuditEntry } from './audit.service';
export { AuditLog } from './entities/audit-log.entity';
export type { AuditAction } from './entities/audit-log.entity';
export { redactForAudit } from './redact';
