import { GroupMultiplier } from './entities/group-multiplier.entity';
import { LedgerEntry } from './entities/ledger-entry.entity';
import { ModelPrice } from './entities/model-price.entity';
import { PlanPeriodUsage } from './entities/plan-period-usage.entity';
import { Plan } from './entities/plan.entity';
import { RedemptionCode } from './entities/redemption-code.entity';
import { SubscriptionChange } from './entities/subscription-change.entity';
import { Subscription } from './entities/subscription.entity';
import { TenantBalance } from './entities/tenant-balance.entity';

export const BILLING_ENTITIES = [
  ModelPrice,
  LedgerEntry,
  TenantBalance,
  RedemptionCode,
  GroupMultiplier,
  Plan,
  Subscription,
  SubscriptionChange,
  PlanPeriodUsage,
];
