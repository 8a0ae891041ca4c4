// A tenant's plan. Switching takes effect at once and keeps the current billing period: the new
// plan's limits and allowance apply to the usage of the whole period so far (no proration, no
// reset), so switching back and forth cannot be used to reset limits. Periods roll over lazily: the
// first read after `periodEnd` moves the row to the period containing now.
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { AuditService } from '@gateway/audit';
import { PageQuery, pageWindow } from '@gateway/common/http';
import { isUniqueViolation } from '@gateway/db';
import { ChangeFeed } from '@gateway/redis';
import { Actor, isSuperAdmin, readScope, TenantsService } from '@gateway/identity';
import { EntityManager, Repository } from 'typeorm';
import { BillingError, BillingErrorCode } from '../billing.errors';
import { Plan } from '../entities/plan.entity';
import { SubscriptionChange, SubscriptionChangeKind } from '../entities/subscription-change.entity';
import { Subscription } from '../entities/subscription.entity';
import { BalanceMirror } from '../balance/balance-mirror';
import { PLANS_TOPIC } from '../plans/plans-topic';
import { findPlanPeriodUsage } from './add-plan-period-usage';
import type { CurrentPlan } from './current-plan';
import { PlansService } from '../plans/plans.service';
import { SetSubscriptionDto } from './dto/set-subscription.dto';
import { periodAfter, periodContaining } from './period-containing';
import {
  PlanUsageView,
  SubscriptionChangePageView,
  SubscriptionChangeView,
  SubscriptionView,
} from './views/subscription.view';

const AUDIT_TYPE = 'subscription';

const TENANT_INDEX = 'subscriptions_tenant_key';

@Injectable()
export class SubscriptionsService {
  constructor(
    @InjectRepository(Subscription) private readonly subscriptions: Repository<Subscription>,
    @InjectRepository(SubscriptionChange) private readonly changes: Repository<SubscriptionChange>,
    private readonly plans: PlansService,
    private readonly tenants: TenantsService,
    private readonly audit: AuditService,
    private readonly feed: ChangeFeed,
    private readonly mirror: BalanceMirror,
  ) {}

  /** The tenant's plan and current period, or null when it has none (prepaid only). */
  async currentPlanFor(tenantId: string, now = new Date()): Promise<CurrentPlan | null> {
    const current = await this.current(tenantId, now);
    if (!current) return null;
    const { subscription, plan } = current;
    return { plan, periodStart: subscription.periodStart, periodEnd: subscription.periodEnd };
  }

  async get(actor: Actor, tenantId: string): Promise<SubscriptionView> {
    await this.assertTenantVisible(actor, tenantId);
    const current = await this.current(tenantId, new Date());
    if (!current) throw new BillingError(BillingErrorCode.NoSubscription);
    const { subscription, plan } = current;
    return {
      ...SubscriptionView.of(subscription, plan),
      usage: PlanUsageView.of(plan, await this.periodUsage(tenantId, subscription, plan)),
    };
  }

  /** The period's usage as the relay counts it (Redis), or as stored when Redis has no counters. */
  private async periodUsage(tenantId: string, subscription: Subscription, plan: Plan) {
    const current = { plan, periodStart: subscription.periodStart, periodEnd: subscription.periodEnd };
    const live = await this.mirror.planPeriod(tenantId, current).catch(() => null);
    if (live) {
      return {
        requests: live.req,
        inputTokens: live.in,
        outputTokens: live.out,
        spendNano: live.spend,
        coveredNano: live.cov,
      };
    }
    const stored = await findPlanPeriodUsage(this.subscriptions.manager, tenantId, subscription.periodStart);
    return {
      requests: stored?.requests ?? 0n,
      inputTokens: stored?.inputTokens ?? 0n,
      outputTokens: stored?.outputTokens ?? 0n,
      spendNano: stored?.spendNano ?? 0n,
      coveredNano: stored?.coveredNano ?? 0n,
    };
  }

  /** The tenant's subscription history, newest first. */
  async history(actor: Actor, tenantId: string, query: PageQuery): Promise<SubscriptionChangePageView> {
    await this.assertTenantVisible(actor, tenantId);
    const [rows, total] = await this.changes.findAndCount({
      where: { tenantId },
      order: { createdAt: 'DESC', id: 'DESC' },
      ...pageWindow(query),
    });
    return { items: rows.map((row) => SubscriptionChangeView.of(row)), total };
  }

  /** Puts the tenant on `planId` from now on; the same plan again is a no-op. */
  async set(actor: Actor, tenantId: string, dto: SetSubscriptionDto): Promise<SubscriptionView> {
    const timezone = await this.timezoneOf(tenantId);
    try {
      const view = await this.subscriptions.manager.transaction(async (manager) => {
        const existing = await manager.findOne(Subscription, {
          where: { tenantId },
          lock: { mode: 'pessimistic_write' },
        });
        const plan = await this.plans.find(dto.planId, manager);
        if (existing && existing.planId === dto.planId && plan) {
          return SubscriptionView.of(await this.rolled(existing, timezone, new Date(), manager), plan);
        }
        if (!plan || plan.status !== 'active') throw new BillingError(BillingErrorCode.PlanNotAvailable);

        const now = new Date();
        let saved: Subscription;
        let before: SubscriptionView | null = null;
        if (existing) {
          const fromPlanId = existing.planId;
          const fromPlan = await this.plans.find(fromPlanId, manager);
          const rolled = await this.rolled(existing, timezone, now, manager);
          before = fromPlan ? SubscriptionView.of(rolled, fromPlan) : null;
          saved = await manager.save(manager.merge(Subscription, rolled, { planId: plan.id }));
          await this.recordChange(manager, actor, saved, 'switch', fromPlanId, plan.id);
        } else {
          const anchorDay = dto.anchorDay ?? 1;
          const period = periodContaining(now, timezone, anchorDay);
          saved = await manager.save(
            manager.create(Subscription, {
              tenantId,
              planId: plan.id,
              anchorDay,
              periodStart: period.start,
              periodEnd: period.end,
            }),
          );
          await this.recordChange(manager, actor, saved, 'subscribe', null, plan.id);
        }
        const after = SubscriptionView.of(saved, plan);
        await this.audit.record(
          {
            actor,
            tenantId,
            action: existing ? 'update' : 'create',
            entityType: AUDIT_TYPE,
            entityId: tenantId,
            before,
            after,
          },
          manager,
        );
        return after;
      });
      // The relay enforces the new plan at once (CurrentPlans).
      await this.feed.publish(PLANS_TOPIC, tenantId);
      return view;
    } catch (error) {
      // Two first subscriptions raced; the unique index let one through.
      if (isUniqueViolation(error, TENANT_INDEX)) throw new BillingError(BillingErrorCode.Conflict);
      throw error;
    }
  }

  /** Ends the tenant's subscription now: from here on it is prepaid only. */
  async end(actor: Actor, tenantId: string): Promise<void> {
    const timezone = await this.timezoneOf(tenantId);
    await this.subscriptions.manager.transaction(async (manager) => {
      const existing = await manager.findOne(Subscription, {
        where: { tenantId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!existing) throw new BillingError(BillingErrorCode.NoSubscription);
      const rolled = await this.rolled(existing, timezone, new Date(), manager);
      const plan = await this.plans.find(existing.planId, manager);
      await manager.delete(Subscription, { id: existing.id });
      await this.recordChange(manager, actor, rolled, 'end', existing.planId, null);
      await this.audit.record(
        {
          actor,
          tenantId,
          action: 'delete',
          entityType: AUDIT_TYPE,
          entityId: tenantId,
          before: plan ? SubscriptionView.of(rolled, plan) : null,
          after: null,
        },
        manager,
      );
    });
    await this.feed.publish(PLANS_TOPIC, tenantId);
  }

  private async current(
    tenantId: string,
    now: Date,
  ): Promise<{ subscription: Subscription; plan: Plan } | null> {
    const subscription = await this.subscriptions.findOneBy({ tenantId });
    if (!subscription) return null;
    const plan = await this.plans.find(subscription.planId);
    if (!plan) return null;
    if (now.getTime() < subscription.periodEnd.getTime()) return { subscription, plan };
    const timezone = await this.timezoneOf(tenantId);
    return { subscription: await this.rolled(subscription, timezone, now), plan };
  }

  /**
   * The subscription moved to the period after its own when that is over (periodAfter: the one
   * containing `now`, never overlapping the last after a time zone change). The update is
   * conditional on the old end so concurrent readers roll it once; the computed period is the same.
   */
  private async rolled(
    subscription: Subscription,
    timezone: string,
    now: Date,
    manager: EntityManager = this.subscriptions.manager,
  ): Promise<Subscription> {
    if (now.getTime() < subscription.periodEnd.getTime()) return subscription;
    const period = periodAfter(subscription.periodEnd, now, timezone, subscription.anchorDay);
    await manager
      .createQueryBuilder()
      .update(Subscription)
      .set({ periodStart: period.start, periodEnd: period.end })
      .where('id = :id AND period_end = :oldEnd', { id: subscription.id, oldEnd: subscription.periodEnd })
      .execute();
    return manager.merge(Subscription, subscription, { periodStart: period.start, periodEnd: period.end });
  }

  private async recordChange(
    manager: EntityManager,
    actor: Actor,
    subscription: Subscription,
    kind: SubscriptionChangeKind,
    fromPlanId: string | null,
    toPlanId: string | null,
  ): Promise<void> {
    await manager.insert(SubscriptionChange, {
      tenantId: subscription.tenantId,
      kind,
      fromPlanId,
      toPlanId,
      periodStart: subscription.periodStart,
      periodEnd: subscription.periodEnd,
      changedBy: actor.userId,
    });
  }

  private async timezoneOf(tenantId: string): Promise<string> {
    const timezone = await this.tenants.findTimezone(tenantId);
    if (!timezone) throw new BillingError(BillingErrorCode.NotFound, 'no such tenant');
    return timezone;
  }

  /** Another tenant's id, or one that does not exist, is simply not found (404). */
  private async assertTenantVisible(actor: Actor, tenantId: string): Promise<void> {
    readScope(actor, tenantId);
    if (isSuperAdmin(actor) && !(await this.tenants.exists(tenantId))) {
      throw new BillingError(BillingErrorCode.NotFound, 'no such tenant');
    }
  }
}
