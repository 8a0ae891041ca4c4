export * from './domain';
export { AuditModule } from './audit.module';
export { AuditQueryService } from './audit-query.service';
export { AuditLogView } from './views/audit-log.view';
