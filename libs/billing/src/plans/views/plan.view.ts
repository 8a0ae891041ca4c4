import { nanoToUsd } from '@gateway/db';
import { ApiProperty } from '@nestjs/swagger';
import { PageOf } from '@gateway/common/http';
import { PLAN_STATUSES, type Plan, type PlanStatus } from '../../entities/plan.entity';

/** Monthly limits; null = unlimited. */
export class PlanLimitsView {
  @ApiProperty({ type: Number, nullable: true }) requests!: number | null;
  @ApiProperty({ type: Number, nullable: true }) inputTokens!: number | null;
  @ApiProperty({ type: Number, nullable: true }) outputTokens!: number | null;
  @ApiProperty({ type: String, nullable: true, example: '100' }) spendUsd!: string | null;
}

const count = (value: bigint | null) => (value === null ? null : Number(value));

export class PlanView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'Pro' }) name!: string;
  @ApiProperty({ example: '20', description: 'monthly fee, USD' }) priceUsd!: string;
  @ApiProperty({ type: PlanLimitsView }) limits!: PlanLimitsView;
  @ApiProperty({ example: '5', description: 'usage covered each period before the prepaid balance' })
  includedUsd!: string;
  @ApiProperty({ enum: PLAN_STATUSES }) status!: PlanStatus;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;

  static of(plan: Plan): PlanView {
    return {
      id: plan.id,
      name: plan.name,
      priceUsd: nanoToUsd(plan.priceNano),
      limits: {
        requests: count(plan.limitRequests),
        inputTokens: count(plan.limitInputTokens),
        outputTokens: count(plan.limitOutputTokens),
        spendUsd: plan.limitSpendNano === null ? null : nanoToUsd(plan.limitSpendNano),
      },
      includedUsd: nanoToUsd(plan.includedNano),
      status: plan.status,
      createdAt: plan.createdAt.toISOString(),
      updatedAt: plan.updatedAt.toISOString(),
    };
  }
}

export class PlanPageView extends PageOf(PlanView) {}
