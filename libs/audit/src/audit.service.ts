import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { AuditEntry, AuditRecorder } from '@gateway/identity/domain';
import { EntityManager, Repository } from 'typeorm';
import { AuditLog } from './entities/audit-log.entity';
import { saveAuditEntry } from './write-audit-entry';

export type { AuditEntry };

/** Writes audit rows. Other domains call it directly; identity reaches it through its AuditRecorder port. */
@Injectable()
export class AuditService implements AuditRecorder {
  constructor(@InjectRepository(AuditLog) private readonly logs: Repository<AuditLog>) {}

  /** Records a change; pass the transaction's manager so the row commits (or not) with the change. */
  async record(entry: AuditEntry, manager?: EntityManager): Promise<void> {
    await saveAuditEntry(manager ? manager.getRepository(AuditLog) : this.logs, entry);
  }
}
