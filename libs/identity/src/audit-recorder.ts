// The identity domain writes audit rows through this port rather than importing @gateway/audit:
// the audit lib depends on identity (actors, roles, scoping), so the dependency must point one way.
// AuditModule (global) binds it to its AuditService.
import type { EntityManager } from 'typeorm';
import type { Actor } from './auth/actor';

export type AuditAction = 'create' | 'update' | 'delete';

export interface AuditEntry {
  actor: Actor | null;
  /** The tenant the changed thing belongs to; null for platform-level things. */
  tenantId: string | null;
  action: AuditAction;
  entityType: string;
  entityId: string;
  before?: unknown;
  after?: unknown;
}

export abstract class AuditRecorder {
  /** Records a change; pass the transaction's manager so the row commits (or not) with the change. */
  abstract record(entry: AuditEntry, manager?: EntityManager): Promise<void>;
}
