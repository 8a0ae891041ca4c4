import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AUDIT_ENTITIES } from './audit.entities';
import { AuditService } from './audit.service';

/** For the worker: writing audit rows (the health probes' key transitions), without /api/audit. */
@Module({
  imports: [TypeOrmModule.forFeature(AUDIT_ENTITIES)],
  providers: [AuditService],
  exports: [AuditService],
})
export class AuditWorkerModule {}
