import { ApiProperty } from '@nestjs/swagger';
import { PageOf } from '@gateway/common/http';
import { nanoToUsd } from '@gateway/db';
import {
  SUBSCRIPTION_CHANGE_KINDS,
  type SubscriptionChange,
  type SubscriptionChangeKind,
} from '../../entities/subscription-change.entity';
import type { Subscription } from '../../entities/subscription.entity';
import type { Plan } from '../../entities/plan.entity';
import { PlanView } from '../../plans/views/plan.view';

/** What the tenant used of its plan in the current period, live (requests settled a moment ago included). */
export class PlanUsageView {
  @ApiProperty({ example: '120', description: 'requests that got an answer (decimal string)' })
  requests!: string;
  @ApiProperty({ example: '53000' }) inputTokens!: string;
  @ApiProperty({ example: '21000' }) outputTokens!: string;
  @ApiProperty({ example: '1.25', description: 'full cost of the period’s requests, USD' }) spendUsd!: string;
  @ApiProperty({ example: '1', description: 'part of that the included allowance paid, USD' })
  includedUsedUsd!: string;
  @ApiProperty({ example: '4', description: 'allowance left this period, USD' }) includedLeftUsd!: string;

  static of(
    plan: Plan,
    used: {
      requests: bigint;
      inputTokens: bigint;
      outputTokens: bigint;
      spendNano: bigint;
      coveredNano: bigint;
    },
  ): PlanUsageView {
    const left = plan.includedNano - used.coveredNano;
    return {
      requests: used.requests.toString(),
      inputTokens: used.inputTokens.toString(),
      outputTokens: used.outputTokens.toString(),
      spendUsd: nanoToUsd(used.spendNano),
      includedUsedUsd: nanoToUsd(used.coveredNano),
      includedLeftUsd: nanoToUsd(left > 0n ? left : 0n),
    };
  }
}

export class SubscriptionView {
  @ApiProperty({ format: 'uuid' }) tenantId!: string;
  @ApiProperty({ type: PlanView }) plan!: PlanView;
  @ApiProperty({ description: 'day of the month the cycle starts on (in the tenant’s time zone)' })
  anchorDay!: number;
  @ApiProperty({ description: 'start of the current period (inclusive)' }) periodStart!: string;
  @ApiProperty({ description: 'end of the current period (exclusive)' }) periodEnd!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
  @ApiProperty({ type: PlanUsageView, required: false, description: 'on reads: the current period’s usage' })
  usage?: PlanUsageView;

  static of(subscription: Subscription, plan: Plan): SubscriptionView {
    return {
      tenantId: subscription.tenantId,
      plan: PlanView.of(plan),
      anchorDay: subscription.anchorDay,
      periodStart: subscription.periodStart.toISOString(),
      periodEnd: subscription.periodEnd.toISOString(),
      createdAt: subscription.createdAt.toISOString(),
      updatedAt: subscription.updatedAt.toISOString(),
    };
  }
}

export class SubscriptionChangeView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: SUBSCRIPTION_CHANGE_KINDS }) kind!: SubscriptionChangeKind;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) fromPlanId!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) toPlanId!: string | null;
  @ApiProperty() periodStart!: string;
  @ApiProperty() periodEnd!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) changedBy!: string | null;
  @ApiProperty() createdAt!: string;

  static of(change: SubscriptionChange): SubscriptionChangeView {
    return {
      id: change.id,
      kind: change.kind,
      fromPlanId: change.fromPlanId,
      toPlanId: change.toPlanId,
      periodStart: change.periodStart.toISOString(),
      periodEnd: change.periodEnd.toISOString(),
      changedBy: change.changedBy,
      createdAt: change.createdAt.toISOString(),
    };
  }
}

export class SubscriptionChangePageView extends PageOf(SubscriptionChangeView) {}
