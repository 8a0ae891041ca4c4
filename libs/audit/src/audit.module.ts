import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditRecorder } from '@gateway/identity';
import { AuditController } from './audit.controller';
import { AuditQueryService } from './audit-query.service';
import { AuditService } from './audit.service';
import { AUDIT_ENTITIES } from './audit.entities';

/**
 * Global so that IdentityModule can inject AuditRecorder without importing this module: the audit
 * lib depends on identity, and the dependency must not point back.
 */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature(AUDIT_ENTITIES)],
  controllers: [AuditController],
  providers: [AuditService, AuditQueryService, { provide: AuditRecorder, useExisting: AuditService }],
  exports: [AuditService, AuditRecorder],
})
export class AuditModule {}
