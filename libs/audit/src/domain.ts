// The audit log without its HTTP face (`@gateway/audit/domain`): what the worker and code that runs
// in it may import. Nothing reachable from here loads a controller, a DTO or a view (docs/design.md,
// "Layers"); index.ts adds /api/audit.
export { AUDIT_ENTITIES } from './audit.entities';
export { AuditWorkerModule } from './audit-worker.module';
export { AuditService } from './audit.service';
export type { AuditEntry } from './audit.service';
export { AUDIT_READER_ROLES } from './audit-permissions';
export { AuditError, AuditErrorCode } from './audit.errors';
export { AuditLog } from './entities/audit-log.entity';
export type { AuditAction } from './entities/audit-log.entity';
export { redactForAudit } from './redact';
export { writeAuditEntry } from './write-audit-entry';
