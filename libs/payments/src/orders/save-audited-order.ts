// An online top-up order's change of state, saved with its audit entry (before and after) in the same
// transaction: the payment's settlement and a refund's reversal both move an order this way.
import type { AuditService } from '@gateway/audit';
import type { EntityManager } from 'typeorm';
import type { TopupOrder } from '../entities/topup-order.entity';
import { TOPUP_ORDER_AUDIT_TYPE, TopupOrderView } from './views/topup-order.view';

export async function saveAuditedOrder(
  audit: AuditService,
  manager: EntityManager,
  order: TopupOrder,
  before: TopupOrderView,
): Promise<void> {
  await manager.save(order);
  await audit.record(
    {
      actor: null,
      tenantId: order.tenantId,
      action: 'update',
      entityType: TOPUP_ORDER_AUDIT_TYPE,
      entityId: order.id,
      before: { ...before },
      after: { ...TopupOrderView.of(order) },
    },
    manager,
  );
}
