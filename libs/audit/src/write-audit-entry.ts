// One audit row written in the caller's transaction. A function rather than only AuditService's
// method, so that code writing its change through a bare EntityManager (the worker's usage batches)
// audits in the same transaction without a Nest provider.
import type { AuditEntry } from '@gateway/identity/domain';
import type { EntityManager, Repository } from 'typeorm';
import { AuditLog } from './entities/audit-log.entity';
import { redactForAudit } from './redact';

export async function writeAuditEntry(manager: EntityManager, entry: AuditEntry): Promise<void> {
  await saveAuditEntry(manager.getRepository(AuditLog), entry);
}

/** Writes the row through `repo` (AuditService's own, or a transaction's). */
export async function saveAuditEntry(repo: Repository<AuditLog>, entry: AuditEntry): Promise<void> {
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
