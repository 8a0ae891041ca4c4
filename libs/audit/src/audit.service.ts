import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { AuditEntry, AuditRecorder } from '@gateway/identity';
import { EntityManager, Repository } from 'typeorm';
import { AuditLog } from './entities/audit-log.entity';
import { redactForAudit } from './redact';

export type { AuditEntry };

/** Writes audit rows. Other domains call it directly; identity reaches it through its AuditRecorder port. */
@Injectable()
export class AuditService implements AuditRecorder {
  constructor(@InjectRepository(AuditLog) private readonly logs: Repository<AuditLog>) {}

  /** Records a change; pass the transaction's manager so the row commits (or not) with the change. */
  async record(entry: AuditEntry, manager?: EntityManager): Promise<void> {
    const repo = manager ? manager.getRepository(AuditLog) : this.logs;
    // save() rather than insert(): TypeORM's insert typing cannot express a jsonb Record column.
    await repo.save(
      repo.create({
        actorUserId: entry.actor?.userId ?? null,
        actorEmail: entry.actor?.email ?? null,
        tenantId: entry.tenantId,
        action: entry.action,
        entityType: entry.entityType,
        entityId: entry.entityId,
        before: redactForAudit(entry.before),
        after: redactForAudit(entry.after),
        ip: entry.actor?.ip?.slice(0, 64) ?? null,
        requestId: entry.actor?.requestId?.slice(0, 128) ?? null,
      }),
    );
  }
}
