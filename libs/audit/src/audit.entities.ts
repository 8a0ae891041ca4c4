import { AuditLog } from './entities/audit-log.entity';

export const AUDIT_ENTITIES = [AuditLog];
