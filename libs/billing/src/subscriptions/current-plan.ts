import type { Plan } from '../entities/plan.entity';

/**
 * What the hot path needs to enforce a plan: the plan and the period its limits count over. Its own
 * file so that the relay and the balance mirror need not import the admin subscriptions service.
 */
export interface CurrentPlan {
  plan: Plan;
  periodStart: Date;
  periodEnd: Date;
}
