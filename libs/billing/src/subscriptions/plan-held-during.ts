// For invoices: the plan a tenant is billed for over a window, from the append-only history. The
// fee is charged once per invoice period, for the last plan the tenant held during it (a switch
// keeps the billing period and applies the new plan to all of it, so the last one is the one that
// counted; no proration). A tenant without a plan at any point of the window pays no fee.
import type { EntityManager } from 'typeorm';
import { Plan } from '../entities/plan.entity';
import { SubscriptionChange } from '../entities/subscription-change.entity';

export interface HeldPlan {
  planId: string;
  name: string;
  priceNano: bigint;
}

export async function planHeldDuring(
  manager: EntityManager,
  tenantId: string,
  from: Date,
  to: Date,
): Promise<HeldPlan | null> {
  const changes = manager.getRepository(SubscriptionChange);
  const before = await changes
    .createQueryBuilder('c')
    .where('c.tenant_id = :tenantId AND c.created_at < :from', { tenantId, from })
    .orderBy('c.created_at', 'DESC')
    .addOrderBy('c.id', 'DESC')
    .getOne();
  const during = await changes
    .createQueryBuilder('c')
    .where('c.tenant_id = :tenantId', { tenantId })
    .andWhere('c.created_at >= :from AND c.created_at < :to', { from, to })
    .orderBy('c.created_at', 'ASC')
    .addOrderBy('c.id', 'ASC')
    .getMany();
  const held = [before?.toPlanId ?? null, ...during.map((change) => change.toPlanId)].filter(
    (planId): planId is string => planId !== null,
  );
  const planId = held.at(-1);
  if (!planId) return null;
  const plan = await manager.getRepository(Plan).findOneByOrFail({ id: planId });
  return { planId: plan.id, name: plan.name, priceNano: plan.priceNano };
}
