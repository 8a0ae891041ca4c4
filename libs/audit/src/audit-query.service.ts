import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { pageWindow } from '@gateway/common/http';
import { Actor, readScope } from '@gateway/identity';
import { And, FindOptionsWhere, LessThan, MoreThanOrEqual, Repository } from 'typeorm';
import { AuditError, AuditErrorCode } from './audit.errors';
import { ListAuditLogsQuery } from './dto/list-audit-logs.query';
import { AuditLog } from './entities/audit-log.entity';

/** Reads the audit log, newest first, within the caller's tenant scope. */
@Injectable()
export class AuditQueryService {
  constructor(@InjectRepository(AuditLog) private readonly logs: Repository<AuditLog>) {}

  async list(actor: Actor, query: ListAuditLogsQuery): Promise<{ items: AuditLog[]; total: number }> {
    const scope = readScope(actor, query.tenantId);
    const from = query.from === undefined ? undefined : new Date(query.from);
    const to = query.to === undefined ? undefined : new Date(query.to);
    if (from && to && from > to) throw new AuditError(AuditErrorCode.InvalidRange);
    const where: FindOptionsWhere<AuditLog> = {
      ...(scope.tenantId ? { tenantId: scope.tenantId } : {}),
      ...(query.entityType ? { entityType: query.entityType } : {}),
      ...(query.entityId ? { entityId: query.entityId } : {}),
      ...(query.action ? { action: query.action } : {}),
      ...createdBetween(from, to),
    };
    const [items, total] = await this.logs.findAndCount({
      where,
      order: { createdAt: 'DESC', id: 'DESC' },
      ...pageWindow(query),
    });
    return { items, total };
  }
}

function createdBetween(from: Date | undefined, to: Date | undefined): FindOptionsWhere<AuditLog> {
  if (from && to) return { createdAt: And(MoreThanOrEqual(from), LessThan(to)) };
  if (from) return { createdAt: MoreThanOrEqual(from) };
  if (to) return { createdAt: LessThan(to) };
  return {};
}
